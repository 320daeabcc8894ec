/** PyTorch-like printing: tensor([[1.0000, 2.0000], ...], dtype=float64). Long dims are elided. */
import type { DType, TypedArray } from './dtype.js';
import { sizeOf } from './shape.js';

const EDGE = 3;

function formatNumber(v: number, dtype: DType): string {
  if (dtype === 'int32') return String(v);
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  const a = Math.abs(v);
  return a !== 0 && (a >= 1e5 || a < 1e-4) ? v.toExponential(4) : v.toFixed(4);
}

export function formatTensor(shape: number[], dtype: DType, values: TypedArray, requiresGrad: boolean, op?: string): string {
  const cells = Array.from(values, (v) => formatNumber(v, dtype));
  const width = Math.max(0, ...cells.map((c) => c.length));
  const render = (dim: number, offset: number, indent: string): string => {
    if (dim === shape.length) return cells[offset].padStart(width);
    const n = shape[dim];
    const stride = sizeOf(shape.slice(dim + 1));
    const idx = n > 2 * EDGE + 1 ? [...Array(EDGE).keys(), -1, ...Array.from({ length: EDGE }, (_, i) => n - EDGE + i)] : [...Array(n).keys()];
    const parts = idx.map((i) => (i < 0 ? '...' : render(dim + 1, offset + i * stride, indent + ' ')));
    const sep = dim === shape.length - 1 ? ', ' : ',' + '\n'.repeat(shape.length - dim - 1) + indent + ' ';
    return '[' + parts.join(sep) + ']';
  };
  const extras = [
    dtype !== 'float32' ? `dtype=${dtype}` : '',
    op ? `gradFn=<${op}>` : requiresGrad ? 'requiresGrad=true' : '',
  ].filter(Boolean);
  return `tensor(${render(0, 0, '       ')}${extras.length ? ', ' + extras.join(', ') : ''})`;
}
