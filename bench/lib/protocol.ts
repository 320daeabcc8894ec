/**
 * The timing protocol of WORKLOADS.md (bench/peers/torch_bench.py implements the same steps in Python):
 *
 * 1. Warm-up: call the step >= 3 times and for >= 1 s (a single call if one call takes > 3 s).
 * 2. Calibrate `iters` so one repetition lasts ~1 s (>= 1; training: >= ceil(20 / reps) so >= 20 steps are timed).
 * 3. reps = 7 (5 when a repetition would take > 4 s), each timing `iters` consecutive calls (performance.now).
 * 4. Per-call time of a repetition = its time / iters; report median, min and max over the repetitions.
 *
 * Two additions, both reported in the result: `quick` (smoke testing: one warm-up call, ~0.25 s
 * repetitions, 3 reps, no 20-step minimum) and `maxCallS` (when the first warm-up call alone takes longer,
 * that single cold call is the measurement, flagged `single`, so one hopeless peer cannot stall the run).
 */
export interface ProtocolOptions {
  train: boolean;
  quick?: boolean;
  /** Overrides the number of repetitions. */
  reps?: number;
  /** A first call slower than this becomes the only measurement (default 30 s). */
  maxCallS?: number;
  /** Progress lines (stderr in the child processes). */
  log?: (msg: string) => void;
}

export interface Timing {
  /** Per-call seconds of each repetition. */
  perCallS: number[];
  medianS: number;
  minS: number;
  maxS: number;
  reps: number;
  iters: number;
  warmupCalls: number;
  warmupS: number;
  /** True when the measurement is one cold call (first call slower than maxCallS). */
  single: boolean;
  quick: boolean;
}

type Step = () => unknown;

const now = () => performance.now() / 1000;

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** reps and iters from the per-call estimate (shared rule, see torch_bench.py `plan`). */
export function plan(estS: number, { train, quick = false, reps }: ProtocolOptions): { reps: number; iters: number } {
  const target = quick ? 0.25 : 1.0;
  const minSteps = train && !quick ? 20 : 0;
  const base = Math.max(1, Math.round(target / estS));
  let r = reps ?? (quick ? 3 : 7);
  let iters = Math.max(base, Math.ceil(minSteps / r));
  if (reps === undefined && !quick && iters * estS > 4) {
    r = 5;
    iters = Math.max(base, Math.ceil(minSteps / r));
  }
  return { reps: r, iters };
}

function summarize(perCallS: number[], extra: Omit<Timing, 'perCallS' | 'medianS' | 'minS' | 'maxS'>): Timing {
  return { perCallS, medianS: median(perCallS), minS: Math.min(...perCallS), maxS: Math.max(...perCallS), ...extra };
}

/** Runs the protocol on `step` (sync, or async when it returns a Promise). */
export async function measure(step: Step, opts: ProtocolOptions): Promise<Timing> {
  const { quick = false, maxCallS = 30, log = () => {} } = opts;
  let t = now();
  let r = step();
  const isAsync = r instanceof Promise;
  if (isAsync) await r;
  const first = now() - t;
  log(`first call ${fmtS(first)}`);
  if (first > maxCallS) {
    log(`first call ${fmtS(first)} > ${maxCallS} s: reporting that single cold call`);
    return summarize([first], { reps: 1, iters: 1, warmupCalls: 0, warmupS: 0, single: true, quick });
  }
  let calls = 1;
  let total = first;
  if (!quick && first <= 3) {
    while (calls < 3 || total < 1.0) {
      t = now();
      r = step();
      if (isAsync) await r;
      total += now() - t;
      calls++;
    }
  }
  const est = calls > 1 ? (total - first) / (calls - 1) : first;
  const { reps, iters } = plan(est, opts);
  log(`warm-up ${calls} call(s) ${fmtS(total)}, ~${fmtS(est)}/call -> ${reps} reps x ${iters} iters`);
  const perCallS: number[] = [];
  for (let rep = 0; rep < reps; rep++) {
    if (isAsync) {
      t = now();
      for (let i = 0; i < iters; i++) await step();
    } else {
      t = now();
      for (let i = 0; i < iters; i++) step();
    }
    perCallS.push((now() - t) / iters);
  }
  return summarize(perCallS, { reps, iters, warmupCalls: calls, warmupS: total, single: false, quick });
}

export function fmtS(s: number): string {
  return s >= 1 ? `${s.toFixed(2)} s` : `${(s * 1000).toFixed(s >= 0.01 ? 1 : 3)} ms`;
}
