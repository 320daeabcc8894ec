/**
 * Registers every exported nn class as a spec layer type under its class name. A layer's options are
 * its constructor arguments by name (what its config() returns): positional ones (inChannels, ...)
 * and the options object's keys side by side, e.g. Conv2d { inChannels, outChannels, kernelSize, stride, padding, ... }.
 */
import type { AnyModule } from '../nn/module.js';
import { tensor } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import { Linear, Identity } from '../nn/linear.js';
import { Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d } from '../nn/conv.js';
import {
  MaxPool1d, MaxPool2d, AvgPool1d, AvgPool2d, LPPool1d, LPPool2d, AdaptiveAvgPool1d, AdaptiveAvgPool2d,
  AdaptiveMaxPool1d, AdaptiveMaxPool2d, MaxUnpool1d, MaxUnpool2d,
} from '../nn/pooling.js';
import { Upsample, UpsamplingNearest2d, UpsamplingBilinear2d } from '../nn/upsampling.js';
import { BatchNorm1d, BatchNorm2d, LocalResponseNorm, LocalContrastNorm } from '../nn/normalization.js';
import { Dropout, Dropout2d } from '../nn/dropout.js';
import { Flatten, Unflatten } from '../nn/flatten.js';
import { ReLU, ReLU6, LeakyReLU, ELU, Sigmoid, Tanh, Softmax, LogSoftmax } from '../nn/activation.js';
import { ZeroPad1d, ZeroPad2d, ConstantPad1d, ConstantPad2d, ReflectionPad1d, ReflectionPad2d, ReplicationPad1d, ReplicationPad2d } from '../nn/padding.js';
import { CrossEntropyLoss, NLLLoss, BCELoss, BCEWithLogitsLoss, MSELoss, L1Loss } from '../nn/loss.js';
import { Sequential, ModuleList, ModuleDict } from '../nn/container.js';
import { Residual, Concat, DenseConcat, Add, Lambda } from '../nn/connection.js';
import { SkipConcat, ResidualSum, PoolUnpool, Mul, Fork, SkipSum, IndexSelect, Pad } from '../nn/blocks.js';
import { registerLayer, type ChildModules } from './registry.js';
import { buildGraph, GraphModule } from './graph.js';
import { SPEC_FORMAT, SpecError, type GraphSpec, type SpecOptions } from './types.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Ctor = new (...args: any[]) => AnyModule;

interface Signature {
  /** Positional constructor arguments, in order. */
  args?: readonly string[];
  /** Those of `args` that may be left out (the constructor's default applies). */
  optional?: readonly string[];
  /** Keys of the trailing options object (left out: the constructor takes none). */
  opts?: readonly string[];
}

/** Registers a leaf layer whose constructor is (...args, opts?). */
function leaf(type: string, cls: Ctor, { args = [], optional = [], opts }: Signature = {}): void {
  registerLayer(type, {
    cls,
    options: [...args, ...(opts ?? [])],
    required: args.filter((a) => !optional.includes(a)),
    fromSpec: (o) => {
      const positional = args.map((a) => o[a]);
      if (!opts) return new cls(...positional);
      const rest = Object.fromEntries(opts.filter((k) => k in o).map((k) => [k, o[k]]));
      return new cls(...positional, rest);
    },
  });
}

leaf('Linear', Linear, { args: ['inFeatures', 'outFeatures'], opts: ['bias'] });
leaf('Identity', Identity);
const CONV = ['stride', 'padding', 'dilation', 'groups', 'bias', 'paddingMode'];
const CONV_T = ['stride', 'padding', 'outputPadding', 'dilation', 'groups', 'bias'];
const CONV_ARGS = ['inChannels', 'outChannels', 'kernelSize'];
leaf('Conv1d', Conv1d, { args: CONV_ARGS, opts: CONV });
leaf('Conv2d', Conv2d, { args: CONV_ARGS, opts: CONV });
leaf('ConvTranspose1d', ConvTranspose1d, { args: CONV_ARGS, opts: CONV_T });
leaf('ConvTranspose2d', ConvTranspose2d, { args: CONV_ARGS, opts: CONV_T });

const MAX_POOL = ['stride', 'padding', 'dilation', 'ceilMode', 'returnIndices'];
leaf('MaxPool1d', MaxPool1d, { args: ['kernelSize'], opts: MAX_POOL });
leaf('MaxPool2d', MaxPool2d, { args: ['kernelSize'], opts: MAX_POOL });
leaf('AvgPool1d', AvgPool1d, { args: ['kernelSize'], opts: ['stride', 'padding', 'ceilMode', 'countIncludePad'] });
leaf('AvgPool2d', AvgPool2d, { args: ['kernelSize'], opts: ['stride', 'padding', 'ceilMode', 'countIncludePad', 'divisorOverride'] });
leaf('LPPool1d', LPPool1d, { args: ['normType', 'kernelSize'], opts: ['stride', 'ceilMode'] });
leaf('LPPool2d', LPPool2d, { args: ['normType', 'kernelSize'], opts: ['stride', 'ceilMode'] });
leaf('AdaptiveAvgPool1d', AdaptiveAvgPool1d, { args: ['outputSize'] });
leaf('AdaptiveAvgPool2d', AdaptiveAvgPool2d, { args: ['outputSize'] });
leaf('AdaptiveMaxPool1d', AdaptiveMaxPool1d, { args: ['outputSize'], opts: ['returnIndices'] });
leaf('AdaptiveMaxPool2d', AdaptiveMaxPool2d, { args: ['outputSize'], opts: ['returnIndices'] });
leaf('MaxUnpool1d', MaxUnpool1d, { args: ['kernelSize'], opts: ['stride', 'padding'] });
leaf('MaxUnpool2d', MaxUnpool2d, { args: ['kernelSize'], opts: ['stride', 'padding'] });

leaf('Upsample', Upsample, { opts: ['size', 'scaleFactor', 'mode', 'alignCorners'] });
leaf('UpsamplingNearest2d', UpsamplingNearest2d, { opts: ['size', 'scaleFactor'] });
leaf('UpsamplingBilinear2d', UpsamplingBilinear2d, { opts: ['size', 'scaleFactor'] });

const BN = ['eps', 'momentum', 'affine', 'trackRunningStats'];
leaf('BatchNorm1d', BatchNorm1d, { args: ['numFeatures'], opts: BN });
leaf('BatchNorm2d', BatchNorm2d, { args: ['numFeatures'], opts: BN });
leaf('LocalResponseNorm', LocalResponseNorm, { args: ['size'], opts: ['alpha', 'beta', 'k'] });
leaf('LocalContrastNorm', LocalContrastNorm, { opts: ['size', 'sigma', 'eps'] });

leaf('Dropout', Dropout, { args: ['p'], optional: ['p'] });
leaf('Dropout2d', Dropout2d, { args: ['p'], optional: ['p'] });
leaf('Flatten', Flatten, { args: ['startDim', 'endDim'], optional: ['startDim', 'endDim'] });
leaf('Unflatten', Unflatten, { args: ['dim', 'unflattenedSize'] });

leaf('ReLU', ReLU);
leaf('ReLU6', ReLU6);
leaf('LeakyReLU', LeakyReLU, { args: ['negativeSlope'], optional: ['negativeSlope'] });
leaf('ELU', ELU, { args: ['alpha'], optional: ['alpha'] });
leaf('Sigmoid', Sigmoid);
leaf('Tanh', Tanh);
leaf('Softmax', Softmax, { args: ['dim'] });
leaf('LogSoftmax', LogSoftmax, { args: ['dim'] });

leaf('ZeroPad1d', ZeroPad1d, { args: ['padding'] });
leaf('ZeroPad2d', ZeroPad2d, { args: ['padding'] });
leaf('ConstantPad1d', ConstantPad1d, { args: ['padding', 'value'] });
leaf('ConstantPad2d', ConstantPad2d, { args: ['padding', 'value'] });
leaf('ReflectionPad1d', ReflectionPad1d, { args: ['padding'] });
leaf('ReflectionPad2d', ReflectionPad2d, { args: ['padding'] });
leaf('ReplicationPad1d', ReplicationPad1d, { args: ['padding'] });
leaf('ReplicationPad2d', ReplicationPad2d, { args: ['padding'] });

/** Losses: class weights are written as (nested) number arrays and become tensors again. */
function loss(type: string, cls: Ctor, opts: readonly string[], tensors: readonly string[] = []): void {
  registerLayer(type, {
    cls,
    options: opts,
    fromSpec: (o) => {
      const given: Record<string, unknown> = { ...o };
      for (const k of tensors) if (o[k] != null) given[k] = tensor(o[k] as number[]) as Tensor;
      return new cls(given);
    },
  });
}
loss('CrossEntropyLoss', CrossEntropyLoss, ['weight', 'ignoreIndex', 'reduction', 'labelSmoothing'], ['weight']);
loss('NLLLoss', NLLLoss, ['weight', 'ignoreIndex', 'reduction'], ['weight']);
loss('BCELoss', BCELoss, ['weight', 'reduction'], ['weight']);
loss('BCEWithLogitsLoss', BCEWithLogitsLoss, ['weight', 'posWeight', 'reduction'], ['weight', 'posWeight']);
loss('MSELoss', MSELoss, ['reduction']);
loss('L1Loss', L1Loss, ['reduction']);

// ------------------------------------------------------------------------------------------------
// Containers: they are their children.

/** Children named '0', '1', ... in order (as an array), or by name (as a record) otherwise. */
function branches(children: ChildModules): AnyModule[] | Record<string, AnyModule> {
  const names = [...children.keys()];
  return names.every((n, i) => n === String(i)) ? [...children.values()] : Object.fromEntries(children);
}

registerLayer('Sequential', { cls: Sequential, options: [], children: 'any', fromSpec: (_o, c) => new Sequential(new Map(c)) });
registerLayer('ModuleList', {
  cls: ModuleList,
  options: [],
  children: 'any',
  fromSpec: (_o, c) => {
    [...c.keys()].forEach((n, i) => {
      if (n !== String(i)) throw new SpecError(`ModuleList children must be named '0', '1', ... in order, got '${n}' at position ${i}`);
    });
    return new ModuleList(c.values());
  },
});
registerLayer('ModuleDict', { cls: ModuleDict, options: [], children: 'any', fromSpec: (_o, c) => new ModuleDict(new Map(c)) });
registerLayer('Residual', {
  cls: Residual,
  options: [],
  children: { required: ['body'], optional: ['shortcut', 'activation'] },
  fromSpec: (_o, c) => new Residual(c.get('body')!, { shortcut: c.get('shortcut') ?? null, activation: c.get('activation') ?? null }),
});
registerLayer('Concat', { cls: Concat, options: ['dim'], children: 'any', fromSpec: (o, c) => new Concat(branches(c), o as { dim?: number }) });
registerLayer('DenseConcat', { cls: DenseConcat, options: ['dim'], children: { required: ['body'] }, fromSpec: (o, c) => new DenseConcat(c.get('body')!, o as { dim?: number }) });
registerLayer('Add', { cls: Add, options: [], children: 'any', fromSpec: (_o, c) => new Add(branches(c)) });

// The zoo's wiring blocks (src/nn/blocks.ts): options + children define them fully.
leaf('IndexSelect', IndexSelect, { args: ['dim', 'index'] });
leaf('Pad', Pad, { args: ['pad'], opts: ['mode', 'value'] });
registerLayer('SkipConcat', { cls: SkipConcat, options: ['dim', 'crop'], children: 'any', fromSpec: (o, c) => new SkipConcat(new Map(c), o as { dim?: number; crop?: boolean }) });
registerLayer('ResidualSum', { cls: ResidualSum, options: ['path', 'skip', 'after'], children: 'any', fromSpec: (o, c) => new ResidualSum(new Map(c), o as { path?: string[]; skip?: string | null; after?: string[] }) });
registerLayer('PoolUnpool', { cls: PoolUnpool, options: ['kernelSize', 'stride', 'padding'], children: { required: ['body'] }, fromSpec: (o, c) => new PoolUnpool(c.get('body')!, o as { kernelSize?: number }) });
registerLayer('Mul', { cls: Mul, options: [], children: 'any', fromSpec: (_o, c) => new Mul(new Map(c)) });
registerLayer('Fork', {
  cls: Fork,
  options: [],
  children: 'any',
  fromSpec: (_o, c) => {
    const trunk = c.get('trunk');
    if (!trunk) throw new SpecError("Fork needs a child 'trunk' (then its heads)");
    return new Fork(trunk, new Map([...c].filter(([k]) => k !== 'trunk')));
  },
});
registerLayer('SkipSum', { cls: SkipSum, options: ['residual'], children: 'any', fromSpec: (o, c) => new SkipSum(new Map(c), o as { residual?: boolean }) });

registerLayer('Lambda', {
  cls: Lambda,
  config: () => {
    throw new SpecError('a Lambda wraps a JavaScript function, which a spec can\'t hold (use nn layers, or registerLayer a class of your own)');
  },
  fromSpec: () => {
    throw new SpecError('a Lambda wraps a JavaScript function, which a spec can\'t hold (use nn layers, or registerLayer a class of your own)');
  },
});

/** A graph-form model nested in a tree: its options are the graph (inputs, layers, outputs). */
registerLayer('GraphModule', {
  cls: GraphModule,
  options: ['inputs', 'layers', 'outputs'],
  required: ['inputs', 'layers'],
  children: 'options',
  config: (m) => {
    const { format: _, ...graph } = (m as GraphModule).toGraphSpec();
    return graph as unknown as Record<string, unknown>;
  },
  fromSpec: (o: SpecOptions) => buildGraph({ format: SPEC_FORMAT, ...o } as unknown as GraphSpec),
});
