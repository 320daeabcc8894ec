/**
 * ConvNetJS (npm `convnetjs`): pure JS, float64, one image (`Vol`, HWC) at a time, so a batch is a loop.
 * Training is its own Trainer (SGD, momentum 0.9, batch_size 64: it accumulates per-image gradients and
 * updates every 64th image). ConvNetJS has no average pooling, so LeNet-5 uses AvgPoolLayer below,
 * written in ConvNetJS's own per-image style (the same loops as its PoolLayer, averaging instead of max).
 */
import { createRequire } from 'node:module';
import { Unsupported } from '../lib/result.js';
import type { Setup } from '../lib/peer-api.js';
import { CONV, type Workload } from '../lib/workloads.js';

interface Vol {
  sx: number;
  sy: number;
  depth: number;
  w: Float64Array;
  dw: Float64Array;
}
interface Layer {
  out_sx: number;
  out_sy: number;
  out_depth: number;
  in_act?: Vol;
  out_act?: Vol;
  forward(V: Vol, isTraining?: boolean): Vol;
  backward(y?: number): number | void;
}
interface ConvNetJS {
  Vol: new (sx: number, sy: number, depth: number, c?: number) => Vol;
  Net: new () => { layers: Layer[]; makeLayers(defs: object[]): void; forward(V: Vol, isTraining?: boolean): Vol };
  Trainer: new (net: object, opts: object) => { train(x: Vol, y: number): { loss: number } };
  ConvLayer: new (opt: object) => Layer;
  zeros(n: number): Float64Array;
}

const require = createRequire(import.meta.url);
const cnj = require('convnetjs') as ConvNetJS;
const { Vol } = cnj;

/** 2x2 average pooling, stride 2, per image, in the style of convnetjs.PoolLayer. */
class AvgPoolLayer implements Layer {
  readonly layer_type = 'avgpool';
  readonly out_sx: number;
  readonly out_sy: number;
  readonly out_depth: number;
  in_act?: Vol;
  out_act?: Vol;
  constructor(readonly in_sx: number, readonly in_sy: number, readonly in_depth: number, readonly sx = 2, readonly stride = 2) {
    this.out_sx = Math.floor((in_sx - sx) / stride + 1);
    this.out_sy = Math.floor((in_sy - sx) / stride + 1);
    this.out_depth = in_depth;
  }
  forward(V: Vol): Vol {
    this.in_act = V;
    const A = new Vol(this.out_sx, this.out_sy, this.out_depth, 0.0);
    const inv = 1 / (this.sx * this.sx);
    for (let d = 0; d < this.out_depth; d++) {
      for (let ax = 0, x = 0; ax < this.out_sx; ax++, x += this.stride) {
        for (let ay = 0, y = 0; ay < this.out_sy; ay++, y += this.stride) {
          let a = 0;
          for (let fx = 0; fx < this.sx; fx++) {
            for (let fy = 0; fy < this.sx; fy++) a += V.w[((V.sx * (y + fy)) + x + fx) * V.depth + d];
          }
          A.w[((A.sx * ay) + ax) * A.depth + d] = a * inv;
        }
      }
    }
    this.out_act = A;
    return A;
  }
  backward(): void {
    const V = this.in_act!;
    const A = this.out_act!;
    V.dw = cnj.zeros(V.w.length);
    const inv = 1 / (this.sx * this.sx);
    for (let d = 0; d < this.out_depth; d++) {
      for (let ax = 0, x = 0; ax < this.out_sx; ax++, x += this.stride) {
        for (let ay = 0, y = 0; ay < this.out_sy; ay++, y += this.stride) {
          const g = A.dw[((A.sx * ay) + ax) * A.depth + d] * inv;
          for (let fx = 0; fx < this.sx; fx++) {
            for (let fy = 0; fy < this.sx; fy++) V.dw[((V.sx * (y + fy)) + x + fx) * V.depth + d] += g;
          }
        }
      }
    }
  }
  getParamsAndGrads(): never[] {
    return [];
  }
}

/** FuaNet: conv-maxpool-relu twice, fc 50 relu, fc 10 + softmax (the loss layer: log_softmax + NLL). */
function fuaNet() {
  const net = new cnj.Net();
  net.makeLayers([
    { type: 'input', out_sx: 28, out_sy: 28, out_depth: 1 },
    { type: 'conv', sx: 5, filters: 10, stride: 1, pad: 0 },
    { type: 'pool', sx: 2, stride: 2 },
    { type: 'relu' },
    { type: 'conv', sx: 5, filters: 20, stride: 1, pad: 0 },
    { type: 'pool', sx: 2, stride: 2 },
    { type: 'relu' },
    { type: 'fc', num_neurons: 50, activation: 'relu' },
    { type: 'softmax', num_classes: 10 },
  ]);
  return net;
}

/** LeNet-5 with relu; 'pool' placeholders are swapped for AvgPoolLayer (same in/out sizes). */
function leNet5() {
  const net = new cnj.Net();
  net.makeLayers([
    { type: 'input', out_sx: 28, out_sy: 28, out_depth: 1 },
    { type: 'conv', sx: 5, filters: 6, stride: 1, pad: 2, activation: 'relu' },
    { type: 'pool', sx: 2, stride: 2 },
    { type: 'conv', sx: 5, filters: 16, stride: 1, pad: 0, activation: 'relu' },
    { type: 'pool', sx: 2, stride: 2 },
    { type: 'conv', sx: 5, filters: 120, stride: 1, pad: 0, activation: 'relu' },
    { type: 'fc', num_neurons: 84, activation: 'relu' },
    { type: 'softmax', num_classes: 10 },
  ]);
  net.layers = net.layers.map((l, i) => {
    if ((l as { layer_type?: string }).layer_type !== 'pool') return l;
    const prev = net.layers[i - 1];
    return new AvgPoolLayer(prev.out_sx, prev.out_sy, prev.out_depth);
  });
  return net;
}

function images(n: number, sx: number, sy: number, depth: number): Vol[] {
  return Array.from({ length: n }, () => new Vol(sx, sy, depth)); // Vol without a fill value is random
}

function train(net: ReturnType<typeof fuaNet>, batch: number): () => number {
  const xs = images(batch, 28, 28, 1);
  const ys = xs.map((_, i) => (i * 7) % 10);
  const trainer = new cnj.Trainer(net, { method: 'sgd', learning_rate: 0.01, momentum: 0.9, batch_size: batch, l2_decay: 0 });
  return () => {
    let loss = 0;
    for (let i = 0; i < batch; i++) loss += trainer.train(xs[i], ys[i]).loss;
    return loss / batch;
  };
}

function infer(net: ReturnType<typeof fuaNet>, batch: number): () => number {
  const xs = images(batch, 28, 28, 1);
  return () => {
    let s = 0;
    for (let i = 0; i < batch; i++) s += net.forward(xs[i], false).w[0];
    return s;
  };
}

function conv(backward: boolean): () => unknown {
  const { N, C, H, W, K, k } = CONV;
  const layer = new cnj.ConvLayer({ in_sx: W, in_sy: H, in_depth: C, sx: k, filters: K, stride: 1, pad: 1, bias_pref: 0.1 });
  const xs = images(N, W, H, C);
  if (!backward) {
    return () => {
      for (let i = 0; i < N; i++) layer.forward(xs[i]);
    };
  }
  // ConvLayer.backward reads in_act and out_act.dw: give it each image and its upstream gradient.
  const outs = xs.map((x) => {
    const y = layer.forward(x);
    y.dw = new Vol(y.sx, y.sy, y.depth).w;
    return y;
  });
  return () => {
    for (let i = 0; i < N; i++) {
      layer.in_act = xs[i];
      layer.out_act = outs[i];
      layer.backward();
    }
  };
}

export const setup: Setup = async (w: Workload) => {
  let step: () => unknown;
  switch (w.id) {
    case 'W1a': step = train(fuaNet(), w.batch); break;
    case 'W1b': step = infer(fuaNet(), w.batch); break;
    case 'W2a': step = train(leNet5(), w.batch); break;
    case 'W2b': case 'W5b': step = infer(leNet5(), w.batch); break;
    case 'W3a': step = conv(false); break;
    case 'W3b': step = conv(true); break;
    default: throw new Unsupported(`${w.id} is outside ConvNetJS's scope`);
  }
  return { step, detail: 'convnetjs 0.3.0, float64, per-image loop', notes: w.id.startsWith('W2') || w.id === 'W5b' ? ['avg pooling: AvgPoolLayer in the bench (ConvNetJS has none)'] : [] };
};
