/**
 * TensorFlow.js (tfjs-core ops, NHWC, its native layout) on the cpu (plain JS) or wasm (XNNPACK, SIMD;
 * one thread in Node) backend. Models are written with core ops and tf.fused.conv2d (conv + bias [+ relu]
 * in one kernel, what tfjs-layers does); training uses tf.train.momentum (same rule as torch's SGD).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// tfjs-core's Node bundle registers no gradient functions; tfjs-layers' bundle registers them all.
import '@tensorflow/tfjs-layers';
import * as tfwasm from '@tensorflow/tfjs-backend-wasm';
import { Skip, Unsupported } from '../lib/result.js';
import type { Setup } from '../lib/peer-api.js';
import { CONV, RESNET_BATCH, SGEMM_N, W5A, type Workload } from '../lib/workloads.js';

type T4 = tf.Tensor4D;
type Act = 'linear' | 'relu';

/** Kaiming-uniform-ish init: only speed matters here, values just need to stay finite. */
const param = (shape: number[], fanIn: number) => tf.variable(tf.randomUniform(shape, -1 / Math.sqrt(fanIn), 1 / Math.sqrt(fanIn)));

class Conv {
  readonly w: tf.Variable;
  readonly b: tf.Variable | null;
  constructor(inC: number, outC: number, k: number, readonly stride = 1, readonly pad: number = 0, bias = true) {
    this.w = param([k, k, inC, outC], inC * k * k);
    this.b = bias ? param([outC], inC * k * k) : null;
  }
  call(x: T4, activation: Act = 'linear'): T4 {
    const pad = this.pad === 0 ? 'valid' : this.pad;
    return tf.fused.conv2d({ x, filter: this.w as unknown as T4, strides: this.stride, pad, bias: this.b ?? undefined, activation });
  }
}

class Dense {
  readonly w: tf.Variable;
  readonly b: tf.Variable;
  constructor(inF: number, outF: number) {
    this.w = param([inF, outF], inF);
    this.b = param([outF], inF);
  }
  call(x: tf.Tensor2D, activation: Act = 'linear'): tf.Tensor2D {
    return tf.fused.matMul({ a: x, b: this.w as unknown as tf.Tensor2D, bias: this.b, activation }) as tf.Tensor2D;
  }
}

/** BatchNorm in inference mode (running statistics). */
class BN {
  readonly mean: tf.Tensor1D;
  readonly variance: tf.Tensor1D;
  readonly gamma: tf.Tensor1D;
  readonly beta: tf.Tensor1D;
  constructor(c: number) {
    this.mean = tf.zeros([c]);
    this.variance = tf.ones([c]);
    this.gamma = tf.ones([c]);
    this.beta = tf.zeros([c]);
  }
  call(x: T4): T4 {
    return tf.batchNorm4d(x, this.mean, this.variance, this.beta, this.gamma, 1e-5);
  }
}

function fuaNet(): (x: T4) => tf.Tensor2D {
  const c1 = new Conv(1, 10, 5), c2 = new Conv(10, 20, 5), f1 = new Dense(320, 50), f2 = new Dense(50, 10);
  return (x) => {
    let h = tf.relu(tf.maxPool(c1.call(x), 2, 2, 'valid'));
    h = tf.relu(tf.maxPool(c2.call(h), 2, 2, 'valid'));
    return tf.logSoftmax(f2.call(f1.call(tf.reshape(h, [-1, 320]), 'relu')));
  };
}

function leNet5(): (x: T4) => tf.Tensor2D {
  const c1 = new Conv(1, 6, 5, 1, 2), c2 = new Conv(6, 16, 5), c3 = new Conv(16, 120, 5), f1 = new Dense(120, 84), f2 = new Dense(84, 10);
  return (x) => {
    let h = tf.avgPool(c1.call(x, 'relu'), 2, 2, 'valid');
    h = tf.avgPool(c2.call(h, 'relu'), 2, 2, 'valid');
    h = c3.call(h, 'relu');
    return f2.call(f1.call(tf.reshape(h, [-1, 120]), 'relu'));
  };
}

/**
 * torchvision-style ResNet-18: 'cifar' = W4 (3x3/1 stem, no max pool, 10 classes), 'imagenet' = W5a
 * (7x7/2 stem pad 3, 3x3/2 max pool pad 1, 1000 classes).
 */
function resNet18(stem: 'cifar' | 'imagenet', classes: number): (x: T4) => tf.Tensor2D {
  type Block = { c1: Conv; b1: BN; c2: Conv; b2: BN; sc: [Conv, BN] | null };
  const blocks: Block[] = [];
  let inC = 64;
  for (const [outC, stride] of [[64, 1], [128, 2], [256, 2], [512, 2]]) {
    for (const s of [stride, 1]) {
      const cin = blocks.length % 2 === 0 ? inC : outC;
      blocks.push({
        c1: new Conv(cin, outC, 3, s, 1, false), b1: new BN(outC), c2: new Conv(outC, outC, 3, 1, 1, false), b2: new BN(outC),
        sc: s !== 1 || cin !== outC ? [new Conv(cin, outC, 1, s, 0, false), new BN(outC)] : null,
      });
    }
    inC = outC;
  }
  const stemConv = stem === 'cifar' ? new Conv(3, 64, 3, 1, 1, false) : new Conv(3, 64, 7, 2, 3, false);
  const stemBn = new BN(64), fc = new Dense(512, classes);
  return (x) => {
    let h = tf.relu(stemBn.call(stemConv.call(x)));
    if (stem === 'imagenet') h = tf.maxPool(h, 3, 2, 1);
    for (const b of blocks) {
      const y = b.b2.call(b.c2.call(tf.relu(b.b1.call(b.c1.call(h)))));
      const s = b.sc ? b.sc[1].call(b.sc[0].call(h)) : h;
      h = tf.relu(tf.add(y, s)) as T4;
    }
    return fc.call(tf.mean(h, [1, 2]) as tf.Tensor2D);
  };
}

/** One training step: zero grads (tfjs computes fresh ones), forward, NLL loss, backward, momentum update, read the loss. */
function train(net: (x: T4) => tf.Tensor2D, logSoftmaxInNet: boolean, batch: number): () => number {
  const x = tf.randomNormal([batch, 28, 28, 1]) as T4;
  const onehot = tf.oneHot(tf.randomUniform([batch], 0, 10, 'int32') as tf.Tensor1D, 10);
  const opt = tf.train.momentum(0.01, 0.9);
  return () =>
    tf.tidy(() => {
      const loss = opt.minimize(() => {
        const out = net(x);
        const logp = logSoftmaxInNet ? out : tf.logSoftmax(out);
        return tf.neg(tf.mean(tf.sum(tf.mul(logp, onehot), 1))) as tf.Scalar;
      }, true)!;
      return loss.dataSync()[0];
    });
}

function infer(net: (x: T4) => tf.Tensor2D, shape: [number, number, number, number]): () => number {
  const x = tf.randomNormal(shape) as T4;
  return () => tf.tidy(() => net(x).dataSync()[0]);
}

function conv(backward: boolean): () => unknown {
  const { N, C, H, W, K, k } = CONV;
  const x = tf.randomNormal([N, H, W, C]) as T4;
  const w = tf.randomNormal([k, k, C, K]) as T4;
  const b = tf.randomNormal([K]) as tf.Tensor1D;
  // The output is freed at the end of each call (tidy), as PyTorch frees it when the next one replaces it.
  if (!backward) return () => tf.tidy(() => void tf.fused.conv2d({ x, filter: w, strides: 1, pad: 1, bias: b }));
  const dy = tf.randomNormal([N, H, W, K]) as T4;
  const attrs = { strides: 1, pad: 1, dataFormat: 'NHWC', dimRoundingMode: undefined };
  const run = (name: string, inputs: Record<string, tf.Tensor>, a: object) =>
    tf.engine().runKernel(name, inputs as never, a as never) as tf.Tensor;
  // Exactly the kernels conv2d's gradient runs: dX, dW, and db = sum(dY).
  return () =>
    tf.tidy(() => [
      run('Conv2DBackpropInput', { dy, filter: w }, { ...attrs, inputShape: [N, H, W, C] }),
      run('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: [k, k, C, K] }),
      tf.sum(dy, [0, 1, 2]),
    ]).forEach((t) => t.dispose());
}

function sgemm(): () => unknown {
  const a = tf.randomNormal([SGEMM_N, SGEMM_N]) as tf.Tensor2D;
  const b = tf.randomNormal([SGEMM_N, SGEMM_N]) as tf.Tensor2D;
  return () => tf.tidy(() => void tf.matMul(a, b));
}

export const setup: Setup = async (w: Workload, peer) => {
  const name = peer.backend ?? 'cpu';
  // Silence tfjs's "install tfjs-node" banner: it is not installable offline.
  tf.env().set('IS_TEST', true);
  if (!(await tf.setBackend(name))) throw new Skip(`tfjs backend '${name}' failed to initialise`);
  await tf.ready();
  const notes: string[] = [];
  let detail = `tfjs ${tf.version_core} ${name}`;
  if (name === 'wasm') {
    const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
    const mt = tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT');
    detail += ` (SIMD ${simd ? 'on' : 'off'}, ${mt ? `${tfwasm.getThreadsCount()} threads` : '1 thread: no wasm threads in Node'})`;
    // Training needs Conv2DBackpropFilter, which tfjs-backend-wasm does not register.
    if ((w.train || w.id === 'W3b') && !tf.getKernel('Conv2DBackpropFilter', 'wasm')) {
      throw new Unsupported("cannot: tfjs-backend-wasm has no 'Conv2DBackpropFilter' kernel (no conv weight gradients)");
    }
  }
  tf.setBackend(name);
  let step: () => unknown;
  switch (w.id) {
    case 'W1a': step = train(fuaNet(), true, w.batch); break;
    case 'W1b': step = infer(fuaNet(), [w.batch, 28, 28, 1]); break;
    case 'W2a': step = train(leNet5(), false, w.batch); break;
    case 'W2b': step = infer(leNet5(), [w.batch, 28, 28, 1]); break;
    case 'W3a': step = conv(false); break;
    case 'W3b': step = conv(true); break;
    case 'W4': step = infer(resNet18('cifar', 10), [RESNET_BATCH, 32, 32, 3]); break;
    // W5: the same inference step at batch 1, one call at a time (the protocol's per-call time is the latency).
    case 'W5a': step = infer(resNet18('imagenet', W5A.classes), [1, W5A.shape[2], W5A.shape[3], W5A.shape[1]]); break;
    case 'W5b': step = infer(leNet5(), [1, 28, 28, 1]); break;
    case 'sgemm': step = sgemm(); break;
    default: throw new Unsupported(`${w.id} is not a tfjs workload`);
  }
  return { step, detail, notes };
};
