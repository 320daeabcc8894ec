/** What a peer child process reports: one JSON line after RESULT_MARKER on stdout. */
import type { Timing } from './protocol.js';
import type { Workload, WorkloadId } from './workloads.js';

/**
 * ok: measured. unsupported: the peer tried and cannot (e.g. a missing gradient kernel). skipped: the peer
 * is absent here (not installed, backend not built). n/a: the workload is outside the peer's scope per
 * WORKLOADS.md (not run). error / timeout: the child crashed, failed or ran past its limit.
 */
export type Status = 'ok' | 'unsupported' | 'skipped' | 'n/a' | 'error' | 'timeout';

/** The reported value in the workload's unit (img/s, GFLOP/s, or ms per call for latency rows). */
export interface Throughput {
  median: number;
  /** Numerically smallest: the slowest repetition for img/s and GFLOP/s, the fastest for ms. */
  min: number;
  /** Numerically largest: the fastest repetition for img/s and GFLOP/s, the slowest for ms. */
  max: number;
}

export interface BenchResult {
  peer: string;
  workload: WorkloadId;
  status: Status;
  unit: Workload['unit'];
  /** Why it is not 'ok'. */
  reason?: string;
  timing?: Timing;
  throughput?: Throughput;
  /** What ran, e.g. the backend's own description or the BLAS torch loaded. */
  detail?: string;
  notes?: string[];
  /** Wall time of the child process (filled in by the parent). */
  wallS?: number;
  /** 1-minute load average when the child started (filled in by the parent; the machine is shared). */
  load1?: number;
  /** Each round's median and load when a compared peer ran the workload in rounds (run.ts ROUND_PEERS), pooled into timing. */
  rounds?: { medianS: number; load1?: number }[];
}

export const RESULT_MARKER = '@@BENCH_RESULT@@ ';

/** The peer cannot run this workload (reported as 'unsupported'). */
export class Unsupported extends Error {}
/** The peer is not available on this machine (reported as 'skipped'). */
export class Skip extends Error {}

export function throughputOf(w: Workload, t: Timing): Throughput {
  if (w.unit === 'ms') return { median: t.medianS * 1000, min: t.minS * 1000, max: t.maxS * 1000 };
  const per = (s: number) => (w.unit === 'img/s' ? w.batch / s : w.flop / s / 1e9);
  return { median: per(t.medianS), min: per(t.maxS), max: per(t.minS) };
}
