/** What a TypeScript peer module exports: build the workload, hand back one timed step. */
import type { PeerDef } from './peers.js';
import type { Workload } from './workloads.js';

export interface Prepared {
  /** One call of the workload (a training step, a forward, ...); may return a Promise. */
  step: () => unknown;
  /** What runs, e.g. "reference: plain TypeScript kernels". */
  detail: string;
  notes?: string[];
}

export type Setup = (w: Workload, peer: PeerDef) => Promise<Prepared>;

/** Random-normal values (Box-Muller), seeded, so every peer gets the same kind of input. */
export function randnArray(n: number, seed = 1): Float32Array {
  let s = seed >>> 0 || 1;
  const uni = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return ((s >>> 0) + 0.5) / 4294967296;
  };
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(uni()));
    const th = 2 * Math.PI * uni();
    out[i] = r * Math.cos(th);
    if (i + 1 < n) out[i + 1] = r * Math.sin(th);
  }
  return out;
}

/** Random labels in [0, 10). */
export function labelsArray(n: number, seed = 2): Int32Array {
  const u = randnArray(n, seed);
  return Int32Array.from(u, (v) => Math.min(9, Math.floor((0.5 + 0.5 * Math.tanh(v)) * 10)));
}
