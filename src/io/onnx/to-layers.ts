/**
 * An imported ONNX graph as plain nn layers, where it maps onto them: a chain (each node feeds the
 * next) of Conv / BatchNormalization / Relu / LeakyRelu / Sigmoid / Tanh / MaxPool / AveragePool /
 * GlobalAveragePool / Flatten / Gemm / Dropout / Identity becomes an nn.Sequential with the weights
 * copied, which `toSpec` can describe. Anything else (branches, other ops, asymmetric pads) gives null:
 * the graph stays an OnnxModel. The caller checks the Sequential against the OnnxModel's output.
 */
import * as nn from '../../nn/index.js';
import type { AnyModule } from '../../nn/module.js';
import type { Tensor } from '../../tensor/tensor.js';
import { noGrad } from '../../autograd/graph.js';
import { Attrs } from './graph.js';
import type { OnnxModel } from './import.js';
import type { NodeMsg } from './schema.js';

function layerFor(model: OnnxModel, n: NodeMsg, param: (name: string) => Tensor | null): AnyModule | null | 'skip' {
  const at = new Attrs(n, n.name);
  const sym = (pads: number[] | null, k: number[]) => (pads ?? [0, 0, 0, 0]).slice(0, 2).every((p, i) => p === (pads ?? [0, 0, 0, 0])[i + 2] && 2 * p <= k[i]);
  const auto = at.string('auto_pad', 'NOTSET');
  if (auto !== 'NOTSET') return null;
  switch (n.opType) {
    case 'Identity': case 'Dropout': return 'skip';
    case 'Relu': return new nn.ReLU();
    case 'Sigmoid': return new nn.Sigmoid();
    case 'Tanh': return new nn.Tanh();
    case 'LeakyRelu': return new nn.LeakyReLU(at.float('alpha', 0.01));
    case 'Conv': {
      const w = param(n.input[1]);
      if (!w || w.ndim !== 4) return null;
      const k = at.ints('kernel_shape') ?? w.shape.slice(2);
      const pads = at.ints('pads');
      if (!sym(pads, [Infinity, Infinity])) return null;
      const group = at.int('group', 1);
      const conv = new nn.Conv2d(w.shape[1] * group, w.shape[0], k as [number, number], { stride: (at.ints('strides') ?? [1, 1]) as [number, number], padding: (pads ?? [0, 0]).slice(0, 2) as [number, number], dilation: (at.ints('dilations') ?? [1, 1]) as [number, number], groups: group, bias: !!n.input[2] });
      conv.weight.assign(w);
      if (n.input[2]) conv.bias!.assign(param(n.input[2])!);
      return conv;
    }
    case 'BatchNormalization': {
      const [s, b, m, v] = [1, 2, 3, 4].map((i) => param(n.input[i]));
      if (!s || !b || !m || !v || at.int('training_mode', 0)) return null;
      // ONNX stores these as float32: 1e-5 arrives as 9.99999974e-6; 7 significant digits give back the written value.
      const f32 = (v: number) => Number(v.toPrecision(7));
      const bn = new nn.BatchNorm2d(s.shape[0], { eps: f32(at.float('epsilon', 1e-5)), momentum: f32(1 - at.float('momentum', 0.9)) });
      bn.weight!.assign(s); bn.bias!.assign(b); bn.runningMean!.assign(m); bn.runningVar!.assign(v);
      return bn;
    }
    case 'MaxPool': case 'AveragePool': {
      const k = at.ints('kernel_shape');
      const pads = at.ints('pads');
      if (!k || k.length !== 2 || !sym(pads, k) || n.output.filter(Boolean).length > 1) return null;
      const common = { stride: (at.ints('strides') ?? [1, 1]) as [number, number], padding: (pads ?? [0, 0]).slice(0, 2) as [number, number], ceilMode: at.int('ceil_mode', 0) === 1 };
      if (n.opType === 'MaxPool') return new nn.MaxPool2d(k as [number, number], { ...common, dilation: (at.ints('dilations') ?? [1, 1]) as [number, number] });
      return new nn.AvgPool2d(k as [number, number], { ...common, countIncludePad: at.int('count_include_pad', 0) === 1 });
    }
    case 'GlobalAveragePool': return new nn.AdaptiveAvgPool2d(1);
    case 'Flatten': return at.int('axis', 1) === 1 ? new nn.Flatten() : null;
    case 'Gemm': {
      const w = param(n.input[1]);
      if (!w || at.int('transA', 0) || !at.int('transB', 0) || at.float('alpha', 1) !== 1 || at.float('beta', 1) !== 1) return null;
      const fc = new nn.Linear(w.shape[1], w.shape[0], { bias: !!n.input[2] });
      fc.weight.assign(w);
      if (n.input[2]) fc.bias!.assign(param(n.input[2])!);
      return fc;
    }
    default: return null;
  }
}

/** The graph as an nn.Sequential with the same weights, or null where it does not map onto layers. */
export function toLayers(model: OnnxModel, sample: Tensor): nn.Sequential | null {
  const g = model.graph;
  if (g.inputs.length !== 1 || g.outputs.length !== 1) return null;
  const byName = new Map<string, Tensor>([...model.namedParameters(), ...model.namedBuffers()].map(([k, t]) => [k, t]));
  const param = (name: string) => byName.get(model.stateNames.get(name) ?? '') ?? null;
  let current = g.inputs[0].name;
  const layers: AnyModule[] = [];
  for (const n of g.nodes) {
    if (n.input[0] !== current || n.input.slice(1).some((i) => i && !g.initializers.has(i))) return null;
    const layer = layerFor(model, n, param);
    if (layer === null) return null;
    if (layer !== 'skip') layers.push(layer);
    current = n.output[0];
  }
  if (current !== g.outputs[0]) return null;
  const seq = new nn.Sequential(...layers);
  seq.eval();
  model.eval();
  const same = noGrad(() => {
    const a = model.call(sample).dataSync(), b = seq.call(sample).dataSync();
    return a.length === b.length && a.every((v, i) => Math.abs(v - b[i]) <= 1e-5 * Math.max(1, Math.abs(v)));
  });
  return same ? seq : null;
}
