/** pad (torch.nn.functional.pad): constant (negative values crop), reflect and replicate. */
import type { Tensor } from '../tensor/tensor.js';
import { fmtShape } from '../tensor/shape.js';
import type { PadAttrs, PadMode } from '../kernels/specs.js';
import { record } from '../autograd/graph.js';
import { run1 } from './kernel.js';
import { assertInt, assertNumber, assertTensor, fail } from './validate.js';
import { show } from './args.js';

export interface PadOptions {
  mode?: PadMode;
  /** Fill value for 'constant' (default 0). */
  value?: number;
}

const MODES: readonly string[] = ['constant', 'reflect', 'replicate'];

/**
 * pad(x, pad, { mode = 'constant', value = 0 }). `pad` lists [before, after] pairs starting from the
 * LAST dim, as PyTorch: [left, right] pads W, [left, right, top, bottom] pads W and H.
 * Reflect/replicate pad the last 1, 2 or 3 dims of an input with at most one extra leading (batch) dim
 * beyond [C, ...], as PyTorch: 2D/3D input for 1 dim, 3D/4D for 2 dims, 4D/5D for 3 dims.
 */
export function pad(x: Tensor, pad: readonly number[], opts: PadOptions = {}): Tensor {
  const op = 'pad';
  assertTensor(op, 'input', x);
  if (!Array.isArray(pad)) fail(op, `pad must be an array of integers, got ${show(pad)}`, 'e.g. [left, right] or [left, right, top, bottom]');
  if (opts === null || typeof opts !== 'object') fail(op, `options must be an object, got ${show(opts)}`);
  for (const k of Object.keys(opts)) if (k !== 'mode' && k !== 'value') fail(op, `unknown option '${k}'`, 'options are mode, value');
  const { mode = 'constant', value = 0 } = opts;
  if (!MODES.includes(mode)) fail(op, `unknown mode '${String(mode)}'`, `use one of ${MODES.join(', ')}`);
  assertNumber(op, 'value', value);
  pad.forEach((v) => assertInt(op, 'pad', v));
  if (pad.length % 2 !== 0) fail(op, `pad must have an even length (pairs per dim), got ${pad.length} entries ${show(pad)}`);
  const nd = pad.length / 2;
  if (nd > x.ndim) fail(op, `pad ${show(pad)} pads ${nd} dims but input ${fmtShape(x.shape)} has only ${x.ndim}`);
  if (mode !== 'constant') {
    if (value !== 0) fail(op, `mode '${mode}' does not take a value, got ${value}`, "value is only for mode 'constant'");
    if (nd < 1 || nd > 3 || (x.ndim !== nd + 1 && x.ndim !== nd + 2)) {
      fail(op, `mode '${mode}' pads the last 1, 2 or 3 dims of a [C, ...] or [N, C, ...] input; got pad ${show(pad)} for input ${fmtShape(x.shape)}`,
        'use [left, right] for 2D/3D input, [left, right, top, bottom] for 3D/4D input');
    }
  }

  const pads: [number, number][] = x.shape.map(() => [0, 0]);
  for (let i = 0; i < nd; i++) pads[x.ndim - 1 - i] = [pad[2 * i], pad[2 * i + 1]];
  pads.forEach(([b, a], d) => {
    const n = x.shape[d];
    if (mode === 'reflect' && (b >= n || a >= n)) {
      fail(op, `reflect padding [${b}, ${a}] must be less than dim ${d} of size ${n} (input ${fmtShape(x.shape)})`, "use mode 'replicate' or pad in several steps");
    }
    if (mode !== 'constant' && (b < 0 || a < 0)) fail(op, `mode '${mode}' needs non-negative padding, got [${b}, ${a}] for dim ${d}`, "negative padding (cropping) needs mode 'constant'");
    if ((b !== 0 || a !== 0) && n + b + a < 1) {
      fail(op, `padding [${b}, ${a}] leaves dim ${d} of size ${n} with output size ${n + b + a} (input ${fmtShape(x.shape)})`, 'the output must keep at least 1 element per dim');
    }
  });

  const attrs: PadAttrs = { pads, mode, value };
  const inputShape = [...x.shape];
  return record(op, run1('Pad', [x], attrs), [x], (dy) => [run1('PadGrad', [dy], { ...attrs, inputShape })]);
}
