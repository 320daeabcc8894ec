/** Batched matrix multiply: the workhorse behind linear layers. */
import { allocArray, promoteTypes } from '../../tensor/dtype.js';
import type { RefKernel, RefKernelTable } from './types.js';

const BatchMatMul: RefKernel<'BatchMatMul'> = ([a, b], { transposeA, transposeB }) => {
  const [batch, ar, ac] = a.shape;
  const [, br, bc] = b.shape;
  const m = transposeA ? ac : ar, k = transposeA ? ar : ac, n = transposeB ? br : bc;
  const dtype = promoteTypes(a.dtype, b.dtype);
  const out = allocArray(dtype, batch * m * n);
  const av = a.values, bv = b.values;
  // Strides let one i-k-j loop (contiguous over j in b and out) serve every transpose combination.
  const aRow = transposeA ? 1 : ac, aCol = transposeA ? ac : 1;
  const bRow = transposeB ? 1 : bc, bCol = transposeB ? bc : 1;
  const row = new Float64Array(n);
  for (let p = 0; p < batch; p++) {
    const aBase = p * ar * ac, bBase = p * br * bc, oBase = p * m * n;
    for (let i = 0; i < m; i++) {
      row.fill(0);
      for (let kk = 0; kk < k; kk++) {
        const s = av[aBase + i * aRow + kk * aCol];
        const bOff = bBase + kk * bRow;
        for (let j = 0; j < n; j++) row[j] += s * bv[bOff + j * bCol];
      }
      for (let j = 0; j < n; j++) out[oBase + i * n + j] = row[j];
    }
  }
  return [{ values: out, shape: [batch, m, n], dtype }];
};

export const matmulKernels = { BatchMatMul } satisfies Pick<RefKernelTable, 'BatchMatMul'>;
