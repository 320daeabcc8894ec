/**
 * Generic wiring blocks for the model zoo, beside Sequential / Residual / Concat / Add (container.ts,
 * connection.ts). Each block's behaviour is fully defined by its constructor options, kept as public
 * readonly JSON fields (what describeModel reads) and returned by config() (what a model spec stores),
 * and its named children, so a spec can serialize any tree of them and rebuild it with the same
 * structure and parameter names: new Block(children, config()) for the containers (PoolUnpool and Fork
 * take their 'body' / 'trunk' child first), new IndexSelect(dim, index) and new Pad(pad, opts).
 *
 *   SkipConcat(children, { dim, crop })      y = cat([crop(x), seq(x)], dim)   DenseNet layer, U-Net skip
 *   ResidualSum(children, { path, skip, after })  y = after(path(x) + skip(x))  torchvision's ResNet blocks
 *   PoolUnpool(body, { kernelSize, stride })  y = maxUnpool(body(maxPool(x)), indices)   SegNet
 *   Mul(branches)                            y = Π branch(x)                    WaveNet's tanh·sigmoid gate
 *   Fork(trunk, heads)                       [head(trunk(x)) for each head]      a block with two outputs
 *   SkipSum(blocks, { residual })            h += r; y = Σ s over [r, s] = block(h)   WaveNet's stack
 *   IndexSelect(dim, index)                  x.index_select(dim, index)         LeNet-5's C3 connection table
 *   Pad(pad, { mode, value })                F.pad over any dims                ResNet CIFAR option A shortcut
 *
 * Children are registered flat under the names given (a Record or Map), so the blocks of torchvision
 * models keep torchvision's parameter names (`layer1.0.conv1.weight`, `denselayer1.norm1.weight`).
 */
import { runChain } from './fusion.js';
import type { Tensor } from '../tensor/tensor.js';
import { fmtShape, shapesEqual } from '../tensor/shape.js';
import { add, mul } from '../ops/elementwise.js';
import { cat, slice } from '../ops/shape.js';
import { pad as padOp, type PadOptions } from '../ops/pad.js';
import { maxPool1d, maxPool2d, maxUnpool1d, maxUnpool2d } from '../ops/pool.js';
import { Module, type AnyModule } from './module.js';
import { Sequential } from './container.js';
import { checkInt, checkBool, checkNumber, checkOneOf, fail, kv, layerConfig, ntuple, type LayerConfig } from './util.js';
import { show } from '../ops/args.js';
import { options } from '../ops/args.js';

type NamedModules = Record<string, AnyModule> | Map<string, AnyModule>;
type IntOrTuple = number | readonly number[];

function checkModule(layer: string, arg: string, m: unknown): AnyModule {
  if (!(m instanceof Module)) fail(layer, `${arg} must be a Module, got ${m === null ? 'null' : typeof m}`, 'wrap functions with new Lambda(fn)');
  return m as AnyModule;
}

/** [name, module] pairs from an array ('0', '1', ...), a single module ('0'), a Record or a Map. */
function namedEntries(layer: string, modules: AnyModule | readonly AnyModule[] | NamedModules, { allowEmpty = false } = {}): [string, AnyModule][] {
  let entries: [string, unknown][];
  if (modules instanceof Module) entries = [['0', modules]];
  else if (Array.isArray(modules)) entries = modules.map((m, i) => [String(i), m]);
  else if (modules instanceof Map) entries = [...modules];
  else if (modules !== null && typeof modules === 'object') entries = Object.entries(modules);
  else fail(layer, `expected a Module, an array of Modules or a Record/Map of named Modules, got ${modules === null ? 'null' : typeof modules}`);
  if (!allowEmpty && entries.length === 0) fail(layer, 'needs at least one child module');
  return entries.map(([k, m]) => [k, checkModule(layer, `child '${k}'`, m)]);
}

function asTensor(layer: string, what: string, v: unknown): Tensor {
  if (v === null || typeof v !== 'object' || !('shape' in v) || Array.isArray(v)) fail(layer, `${what} must return a Tensor, got ${Array.isArray(v) ? 'an array' : typeof v}`);
  return v as Tensor;
}

function sameShape(layer: string, a: Tensor, b: Tensor, what: string): void {
  if (!shapesEqual(a.shape, b.shape)) fail(layer, `${what}: shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)} differ`);
}

// ---------------------------------------------------------------------------------------------------

export interface SkipConcatOptions {
  /** Concatenation dim (default 1, channels). */
  dim?: number;
  /**
   * Center-crop x to the body output's size in every dim after `dim` before concatenating (U-Net with
   * valid convolutions, where the skip is larger than the upsampled path). Default false.
   */
  crop?: boolean;
}

/**
 * y = cat([x, body(x)], dim), the body being its children run in order (a Sequential), so DenseNet's
 * `denselayer1.norm1` and U-Net's skip levels keep flat names. With crop, x is center-cropped first.
 */
export class SkipConcat extends Sequential {
  readonly dim: number;
  readonly crop: boolean;

  constructor(body: AnyModule | readonly AnyModule[] | NamedModules, opts: SkipConcatOptions = {}) {
    const { dim = 1, crop = false } = options<SkipConcatOptions>('SkipConcat', opts, ['dim', 'crop']);
    super(new Map(namedEntries('SkipConcat', body)));
    this.dim = checkInt('SkipConcat', 'dim', dim);
    this.crop = checkBool('SkipConcat', 'crop', crop);
  }

  override forward(x: Tensor): Tensor {
    const y = super.forward(x);
    let skip = x;
    if (y.ndim !== x.ndim) fail('SkipConcat', `body output ${fmtShape(y.shape)} and input ${fmtShape(x.shape)} have different ranks`);
    const d = this.dim < 0 ? this.dim + x.ndim : this.dim;
    if (this.crop) {
      for (let i = d + 1; i < x.ndim; i++) {
        const extra = x.shape[i] - y.shape[i];
        if (extra < 0) fail('SkipConcat', `cannot crop input ${fmtShape(x.shape)} to the body output ${fmtShape(y.shape)}: dim ${i} is smaller`);
        if (extra > 0) skip = slice(skip, i, Math.floor(extra / 2), Math.floor(extra / 2) + y.shape[i]);
      }
    }
    for (let i = 0; i < x.ndim; i++) {
      if (i !== d && skip.shape[i] !== y.shape[i]) {
        fail('SkipConcat', `input ${fmtShape(skip.shape)} and body output ${fmtShape(y.shape)} differ outside dim ${d}`, this.crop ? undefined : 'pass { crop: true } to center-crop the input to the body output');
      }
    }
    return cat([skip, y], this.dim);
  }

  override extraRepr(): string {
    return kv([['dim', this.dim], ...(this.crop ? [['crop', true] as [string, unknown]] : [])]);
  }

  /** Options (LayerConfig); the body is the children. Rebuild: new SkipConcat(children, config). */
  override config(): LayerConfig {
    return layerConfig({ dim: this.dim, crop: this.crop }, { dim: 1, crop: false });
  }
}

// ---------------------------------------------------------------------------------------------------

export interface ResidualSumOptions {
  /** Children run in order on the main path (default: every child not named in skip or after). */
  path?: readonly string[];
  /** The child applied to x for the shortcut (a projection); null (default) is the identity. */
  skip?: string | null;
  /** Children run in order on the sum (e.g. ['relu']); a child may also appear in path (torchvision reuses one ReLU). */
  after?: readonly string[];
}

const RESIDUAL_FIELDS = ['path', 'skip', 'after'];

/**
 * y = after(path(x) + skip(x)) over flat named children, so torchvision's blocks keep their names:
 *
 *   new ResidualSum({ conv1, bn1, relu, conv2, bn2, downsample },
 *                   { path: ['conv1', 'bn1', 'relu', 'conv2', 'bn2'], skip: 'downsample', after: ['relu'] })
 */
export class ResidualSum extends Module {
  readonly path: string[];
  readonly skip: string | null;
  readonly after: string[];

  constructor(children: NamedModules, opts: ResidualSumOptions = {}) {
    const { path, skip = null, after = [] } = options<ResidualSumOptions>('ResidualSum', opts, ['path', 'skip', 'after']);
    super();
    const entries = namedEntries('ResidualSum', children);
    const names = entries.map(([k]) => k);
    for (const k of names) if (RESIDUAL_FIELDS.includes(k)) fail('ResidualSum', `a child cannot be named '${k}' (it is an option name)`);
    const known = (arg: string, k: unknown) => {
      if (typeof k !== 'string' || !names.includes(k)) fail('ResidualSum', `${arg} names ${show(k)}, which is not a child (children: ${names.join(', ')})`);
      return k;
    };
    if (skip !== null) known('skip', skip);
    if (!Array.isArray(after)) fail('ResidualSum', `after must be an array of child names, got ${show(after)}`);
    const afterNames = after.map((k) => known('after', k));
    const mainNames = path === undefined ? names.filter((k) => k !== skip && !afterNames.includes(k)) : (Array.isArray(path) ? path : fail('ResidualSum', `path must be an array of child names, got ${show(path)}`)).map((k) => known('path', k));
    if (mainNames.length === 0) fail('ResidualSum', 'the main path is empty');
    if (skip !== null && mainNames.includes(skip)) fail('ResidualSum', `'${skip}' is both the skip and on the main path`);
    this.path = mainNames;
    this.skip = skip;
    this.after = afterNames;
    for (const [k, m] of entries) this.registerModule(k, m);
  }

  #run(names: readonly string[], x: Tensor): Tensor {
    return runChain(names.map((k) => this.getSubmodule(k)), x, (y, i) => asTensor('ResidualSum', `child '${names[i]}'`, y));
  }

  forward(x: Tensor): Tensor {
    const y = this.#run(this.path, x);
    const s = this.skip === null ? x : this.#run([this.skip], x);
    if (!shapesEqual(y.shape, s.shape)) {
      fail('ResidualSum', `main path output ${fmtShape(y.shape)} and ${this.skip === null ? 'identity shortcut' : `shortcut '${this.skip}'`} output ${fmtShape(s.shape)} differ (input ${fmtShape(x.shape)})`,
        this.skip === null ? 'give a projection shortcut ({ skip: name }) with the main path\'s stride and channels' : undefined);
    }
    return this.#run(this.after, add(y, s));
  }

  override extraRepr(): string {
    return kv([['path', this.path], ['skip', this.skip], ['after', this.after]]);
  }

  /** Options (LayerConfig), all of them (path is always written). Rebuild: new ResidualSum(children, config). */
  config(): LayerConfig {
    return layerConfig({ path: [...this.path], skip: this.skip, after: [...this.after] }, { skip: null, after: [] });
  }
}

// ---------------------------------------------------------------------------------------------------

export interface PoolUnpoolOptions {
  kernelSize?: IntOrTuple;
  /** Default kernelSize. */
  stride?: IntOrTuple | null;
  padding?: IntOrTuple;
}

/**
 * SegNet's pooling with memory: [p, i] = maxPool(x, returnIndices); y = maxUnpool(body(p), i) at x's
 * size. The body must keep p's shape. 1D for [N, C, L] input, 2D for [N, C, H, W]. Child 'body'.
 */
export class PoolUnpool<B extends AnyModule = AnyModule> extends Module {
  readonly kernelSize: IntOrTuple;
  readonly stride: IntOrTuple;
  readonly padding: IntOrTuple;
  readonly body: B;

  constructor(body: B, opts: PoolUnpoolOptions = {}) {
    const { kernelSize = 2, stride = null, padding = 0 } = options<PoolUnpoolOptions>('PoolUnpool', opts, ['kernelSize', 'stride', 'padding']);
    super();
    ntuple('PoolUnpool', 'kernelSize', kernelSize, Array.isArray(kernelSize) ? kernelSize.length : 1, { min: 1 });
    if (stride != null) ntuple('PoolUnpool', 'stride', stride, Array.isArray(stride) ? stride.length : 1, { min: 1 });
    ntuple('PoolUnpool', 'padding', padding, Array.isArray(padding) ? padding.length : 1, { min: 0 });
    this.kernelSize = kernelSize;
    this.stride = stride ?? kernelSize;
    this.padding = padding;
    this.body = checkModule('PoolUnpool', 'body', body) as B;
  }

  forward(x: Tensor): Tensor {
    if (x.ndim !== 3 && x.ndim !== 4) fail('PoolUnpool', `expected [N, C, L] or [N, C, H, W] input, got ${fmtShape(x.shape)}`);
    const opts = { kernelSize: this.kernelSize, stride: this.stride, padding: this.padding };
    const [p, idx] = x.ndim === 4 ? maxPool2d(x, { ...opts, returnIndices: true }) : maxPool1d(x, { ...opts, returnIndices: true });
    const y = asTensor('PoolUnpool', 'body', this.body.call(p));
    sameShape('PoolUnpool', y, p, 'the body must keep the pooled shape');
    const outputSize = x.shape.slice(2);
    return x.ndim === 4 ? maxUnpool2d(y, idx, { ...opts, outputSize }) : maxUnpool1d(y, idx, { ...opts, outputSize });
  }

  override extraRepr(): string {
    return kv([['kernelSize', this.kernelSize], ['stride', this.stride], ['padding', this.padding]]);
  }

  /** Options (LayerConfig); child 'body'. Rebuild: new PoolUnpool(children.body, config). */
  config(): LayerConfig {
    return layerConfig({ kernelSize: this.kernelSize, stride: this.stride, padding: this.padding }, { kernelSize: 2, stride: this.kernelSize, padding: 0 });
  }
}

// ---------------------------------------------------------------------------------------------------

/** Runs every branch on the same input and multiplies the outputs (a gate: tanh(f(x)) · sigmoid(g(x))). */
export class Mul extends Module {
  constructor(branches: readonly AnyModule[] | NamedModules) {
    super();
    for (const [k, b] of namedEntries('Mul', branches)) this.registerModule(k, b);
  }

  forward(x: Tensor): Tensor {
    const outs = this.namedModuleSlots().map(([k, b]) => [k, asTensor('Mul', `branch '${k}'`, b.call(x))] as const);
    let y = outs[0][1];
    for (const [k, o] of outs.slice(1)) {
      sameShape('Mul', o, outs[0][1], `branch '${k}' vs branch '${outs[0][0]}'`);
      y = mul(y, o);
    }
    return y;
  }

  /** No options: the branches are the children. Rebuild: new Mul(children). */
  config(): LayerConfig {
    return {};
  }
}

/**
 * A shared trunk with several heads: forward(x) = [head(trunk(x)) for each head], in order. Children
 * 'trunk' and the heads' names. WaveNet's block is Fork(gate, { residual, skip }).
 */
export class Fork extends Module<[Tensor], Tensor[]> {
  readonly heads: string[];

  constructor(trunk: AnyModule, heads: readonly AnyModule[] | NamedModules) {
    super();
    const entries = namedEntries('Fork', heads);
    for (const [k] of entries) if (k === 'trunk' || k === 'heads') fail('Fork', `a head cannot be named '${k}'`);
    this.heads = entries.map(([k]) => k);
    this.registerModule('trunk', checkModule('Fork', 'trunk', trunk));
    for (const [k, m] of entries) this.registerModule(k, m);
  }

  forward(x: Tensor): Tensor[] {
    const h = asTensor('Fork', 'trunk', this.getSubmodule('trunk').call(x));
    return this.heads.map((k) => asTensor('Fork', `head '${k}'`, this.getSubmodule(k).call(h)));
  }

  /** No options: children 'trunk' then the heads. Rebuild: new Fork(children.trunk, the other children). */
  config(): LayerConfig {
    return {};
  }
}

export interface SkipSumOptions {
  /** h ← h + r after each block (default true); false feeds r itself to the next block. */
  residual?: boolean;
}

/**
 * WaveNet's stack: each block maps h to [r, s] (e.g. a Fork); h ← h + r (or r), and the output is the
 * sum of every block's s. The last block may return [s] alone (its residual would be unused, so it
 * need not have the layer that makes it). Children '0', '1', ... (or the Record's keys).
 */
export class SkipSum extends Module {
  readonly residual: boolean;

  constructor(blocks: readonly AnyModule[] | NamedModules, opts: SkipSumOptions = {}) {
    const { residual = true } = options<SkipSumOptions>('SkipSum', opts, ['residual']);
    super();
    this.residual = checkBool('SkipSum', 'residual', residual);
    for (const [k, b] of namedEntries('SkipSum', blocks)) this.registerModule(k, b);
  }

  forward(x: Tensor): Tensor {
    let h = x;
    let acc: Tensor | null = null;
    const blocks = this.namedModuleSlots();
    blocks.forEach(([k, b], i) => {
      const out: unknown = b.call(h);
      const last = i === blocks.length - 1;
      if (!Array.isArray(out) || !(out.length === 2 || (last && out.length === 1))) {
        fail('SkipSum', `block '${k}' must return [residual, skip]${last ? ' or [skip]' : ''}, got ${Array.isArray(out) ? `${out.length} outputs` : typeof out}`, 'wrap the block in a Fork(trunk, { residual, skip })');
      }
      const s = asTensor('SkipSum', `block '${k}' skip`, out[out.length - 1]);
      if (out.length === 2) {
        const r = asTensor('SkipSum', `block '${k}' residual`, out[0]);
        if (this.residual) sameShape('SkipSum', r, h, `block '${k}' residual vs its input`);
        h = this.residual ? add(h, r) : r;
      }
      if (acc !== null) sameShape('SkipSum', s, acc, `block '${k}' skip vs the previous skips`);
      acc = acc === null ? s : add(acc, s);
    });
    return acc!;
  }

  override extraRepr(): string {
    return this.residual ? '' : 'residual=false';
  }

  /** Options (LayerConfig); the blocks are the children. Rebuild: new SkipSum(children, config). */
  config(): LayerConfig {
    return layerConfig({ residual: this.residual }, { residual: true });
  }
}

// ---------------------------------------------------------------------------------------------------

/** x.index_select(dim, index): picks (and may repeat or reorder) entries along dim, e.g. channels. */
export class IndexSelect extends Module {
  readonly dim: number;
  readonly index: number[];
  readonly #runs: [number, number][];

  constructor(dim: number, index: readonly number[]) {
    super();
    this.dim = checkInt('IndexSelect', 'dim', dim);
    if (!Array.isArray(index) || index.length === 0) fail('IndexSelect', `index must be a non-empty array of integers, got ${show(index)}`);
    this.index = index.map((v) => checkInt('IndexSelect', 'index', v, { min: 0 }));
    // Consecutive indices become one slice: [start, end) runs.
    const runs: [number, number][] = [];
    for (const i of this.index) {
      const last = runs[runs.length - 1];
      if (last && last[1] === i) last[1] = i + 1;
      else runs.push([i, i + 1]);
    }
    this.#runs = runs;
  }

  forward(x: Tensor): Tensor {
    const d = this.dim < 0 ? this.dim + x.ndim : this.dim;
    if (d < 0 || d >= x.ndim) fail('IndexSelect', `dim ${this.dim} is out of range for input ${fmtShape(x.shape)}`);
    const n = x.shape[d];
    const bad = this.index.find((i) => i >= n);
    if (bad !== undefined) fail('IndexSelect', `index ${bad} is out of range for dim ${d} of size ${n} (input ${fmtShape(x.shape)})`);
    const parts = this.#runs.map(([s, e]) => (s === 0 && e === n ? x : slice(x, d, s, e)));
    return parts.length === 1 ? parts[0] : cat(parts, d);
  }

  override extraRepr(): string {
    return kv([['dim', this.dim], ['index', this.index]]);
  }

  /** Constructor arguments by name (LayerConfig): new IndexSelect(dim, index). */
  config(): LayerConfig {
    return { dim: this.dim, index: [...this.index] };
  }
}

/** F.pad as a layer, over any number of trailing dims ([before, after] pairs from the last dim). */
export class Pad extends Module {
  readonly pad: number[];
  readonly mode: NonNullable<PadOptions['mode']>;
  readonly value: number;

  constructor(pad: readonly number[], opts: PadOptions = {}) {
    const { mode = 'constant', value = 0 } = options<PadOptions>('Pad', opts, ['mode', 'value']);
    super();
    if (!Array.isArray(pad) || pad.length === 0 || pad.length % 2 !== 0) fail('Pad', `pad must be a non-empty array of [before, after] pairs, got ${show(pad)}`);
    this.pad = pad.map((v) => checkInt('Pad', 'pad', v));
    this.mode = checkOneOf('Pad', 'mode', mode, ['constant', 'reflect', 'replicate'] as const);
    this.value = checkNumber('Pad', 'value', value);
  }

  forward(x: Tensor): Tensor {
    return padOp(x, this.pad, this.mode === 'constant' ? { value: this.value } : { mode: this.mode });
  }

  override extraRepr(): string {
    return kv([['pad', this.pad], ['mode', this.mode], ...(this.value !== 0 ? [['value', this.value] as [string, unknown]] : [])]);
  }

  /** Constructor arguments by name (LayerConfig): new Pad(pad, { mode, value }). */
  config(): LayerConfig {
    return layerConfig({ pad: [...this.pad], mode: this.mode, value: this.value }, { mode: 'constant', value: 0 });
  }
}
