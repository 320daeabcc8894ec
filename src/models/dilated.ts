/**
 * The context module of Yu & Koltun, "Multi-Scale Context Aggregation by Dilated Convolutions" (ICLR
 * 2016, Table 1): 3x3 convs with dilations 1, 1, 2, 4, 8, 16, 1 (padding = dilation, so the maps keep
 * their size and the receptive field grows exponentially: 3, 5, 9, 17, 33, 65, 67), each followed by a
 * ReLU (the paper's "truncation"), then a 1x1 conv back to C maps (no ReLU). It takes the C class
 * score maps of a front-end and returns C refined maps of the same size.
 *
 *   basic: C maps in every layer: 64·C² weights + 8·C biases (28,392 parameters for C = 21)
 *   large: 2C, 2C, 4C, 8C, 16C, 32C, 32C, C maps
 *
 * The paper's identity initialisation is applied by default (`identityInit`, biases zero): basic,
 * k(t, a, b) = 1[t = 0] 1[a = b], so each layer passes its input through; large, k = C/c_out at t = 0
 * between maps of the same class group (floor(a·C/c_in) = floor(b·C/c_out)), so the whole module starts
 * as the identity on non-negative scores (the paper adds small noise to the other weights; they are
 * zero here). Names: Sequential '0', '1', ... (conv, relu pairs, the last conv at '14').
 */
import type { AnyModule } from '../nn/module.js';
import { fromArray, zeros } from '../tensor/creation.js';
import { noGrad } from '../autograd/graph.js';
import { Sequential } from '../nn/container.js';
import { Conv2d } from '../nn/conv.js';
import { ReLU } from '../nn/activation.js';
import { checkKeys, oneOf, posInt } from './zoo-util.js';

export interface ContextModuleOptions {
  /** C: class maps in and out (default 21). */
  numClasses?: number;
  /** Input maps, default numClasses (the front-end's scores). */
  inChannels?: number;
  variant?: 'basic' | 'large';
  identityInit?: boolean;
}

export const CONTEXT_DILATIONS: readonly number[] = [1, 1, 2, 4, 8, 16, 1];
const LARGE_WIDTHS: readonly number[] = [2, 2, 4, 8, 16, 32, 32];

/**
 * The paper's identity initialisation: k(t, a, b) = C / c_out at the kernel center t = 0 when
 * floor(a·C / c_in) = floor(b·C / c_out) (input map a and output map b carry the same class), else 0.
 */
function identityWeights(conv: Conv2d, C: number): void {
  const [cout, cin, kh, kw] = conv.weight.shape;
  const w = new Float32Array(cout * cin * kh * kw);
  const center = ((kh - 1) / 2) * kw + (kw - 1) / 2;
  for (let b = 0; b < cout; b++) {
    for (let a = 0; a < cin; a++) {
      if (Math.floor((a * C) / cin) === Math.floor((b * C) / cout)) w[(b * cin + a) * kh * kw + center] = C / cout;
    }
  }
  noGrad(() => {
    conv.weight.assign(fromArray(w, [cout, cin, kh, kw]));
    conv.bias?.assign(zeros([cout]));
  });
}

export function contextModule(opts: ContextModuleOptions = {}): Sequential {
  const name = 'contextModule';
  checkKeys(name, opts, ['numClasses', 'inChannels', 'variant', 'identityInit']);
  const { numClasses = 21, variant = 'basic', identityInit = true } = opts;
  const inChannels = opts.inChannels ?? numClasses;
  posInt(name, 'numClasses', numClasses);
  posInt(name, 'inChannels', inChannels);
  oneOf(name, 'variant', variant, ['basic', 'large'] as const);
  oneOf(name, 'identityInit', identityInit, [true, false] as const);
  const C = numClasses;
  const layers: AnyModule[] = [];
  let c = inChannels;
  CONTEXT_DILATIONS.forEach((d, i) => {
    const o = variant === 'basic' ? C : LARGE_WIDTHS[i] * C;
    const conv = new Conv2d(c, o, 3, { dilation: d, padding: d });
    if (identityInit) identityWeights(conv, C);
    layers.push(conv, new ReLU());
    c = o;
  });
  const last = new Conv2d(c, C, 1);
  if (identityInit) identityWeights(last, C);
  layers.push(last);
  return new Sequential(...layers);
}
