/**
 * Rounds: the peers the issue's targets compare (neocog 2 threads with its natural-code rows, PyTorch, TF.js
 * wasm) run every workload several times, alternating, and a row pools its rounds' repetitions. The machine is
 * shared and its speed changes from minute to minute; one ~10 s job per peer let a slow minute decide a ratio
 * (PyTorch's LeNet-5 step took 5.8 ms in one full run and 3.3 ms in the next).
 */
import { median } from './protocol.js';
import { throughputOf, type BenchResult } from './result.js';
import type { Workload } from './workloads.js';

export const ROUND_PEERS: ReadonlySet<string> = new Set(['neocog-wasm-2t', 'torch', 'tfjs-wasm']);

export interface RoundJob<P extends { id: string }> {
  peer: P;
  workload: Workload;
  /** 1, or a later round of a compared peer, pooled into round 1's result. */
  round: number;
}

/** Rounds 2..rounds of a workload's compared jobs (its first-round jobs `row`, in run order), every other round reversed. */
export function laterRounds<P extends { id: string }>(row: readonly RoundJob<P>[], rounds: number): RoundJob<P>[] {
  const compared = row.filter((j) => ROUND_PEERS.has(j.peer.id));
  const out: RoundJob<P>[] = [];
  for (let round = 2; round <= rounds; round++) {
    const order = round % 2 === 0 ? [...compared].reverse() : compared;
    out.push(...order.map((j) => ({ ...j, round })));
  }
  return out;
}

/** A later round's repetitions added to a result: per-call times pooled; median, min, max and throughput recomputed. */
export function pooled(first: BenchResult, next: BenchResult, w: Workload): BenchResult {
  const a = first.timing!, b = next.timing!;
  const perCallS = [...a.perCallS, ...b.perCallS];
  const timing = { ...a, perCallS, medianS: median(perCallS), minS: Math.min(...perCallS), maxS: Math.max(...perCallS), reps: a.reps + b.reps };
  const rounds = [...(first.rounds ?? [{ medianS: a.medianS, load1: first.load1 }]), { medianS: b.medianS, load1: next.load1 }];
  return { ...first, timing, throughput: throughputOf(w, timing), rounds, wallS: (first.wallS ?? 0) + (next.wallS ?? 0) };
}
