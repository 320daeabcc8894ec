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
