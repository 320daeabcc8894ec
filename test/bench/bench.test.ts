/**
 * Smoke test of the peer bench: one neocog workload, one quick repetition, through the same child
 * process `npm run bench` uses. Checks the JSON result's shape only, never the timings.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RESULT_MARKER, type BenchResult } from '../../bench/lib/result.js';
import { plan } from '../../bench/lib/protocol.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('bench', () => {
  it('runs neocog-reference W2b (LeNet-5 inference) for one quick repetition and reports JSON', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'bench/child.ts', '--peer', 'neocog-ref', '--workload', 'W2b', '--quick', '--reps', '1'],
      { cwd: root, timeout: 60_000 },
    );
    const line = stdout.split('\n').find((l) => l.startsWith(RESULT_MARKER));
    expect(line).toBeDefined();
    const r = JSON.parse(line!.slice(RESULT_MARKER.length)) as BenchResult;
    expect(r).toMatchObject({ peer: 'neocog-ref', workload: 'W2b', unit: 'img/s', status: 'ok' });
    expect(r.detail).toMatch(/reference/);
    expect(r.timing).toMatchObject({ reps: 1, quick: true, single: false });
    expect(r.timing!.perCallS).toHaveLength(1);
    expect(r.timing!.iters).toBeGreaterThanOrEqual(1);
    for (const v of [r.timing!.medianS, r.timing!.minS, r.timing!.maxS]) expect(v).toBeGreaterThan(0);
    for (const v of [r.throughput!.median, r.throughput!.min, r.throughput!.max]) expect(Number.isFinite(v) && v > 0).toBe(true);
  }, 60_000);

  it('plans repetitions as WORKLOADS.md says', () => {
    expect(plan(0.01, { train: false })).toEqual({ reps: 7, iters: 100 });
    expect(plan(0.01, { train: true })).toEqual({ reps: 7, iters: 100 });
    expect(plan(0.5, { train: true })).toEqual({ reps: 7, iters: 3 }); // >= 20 timed steps
    expect(plan(4.6, { train: true })).toEqual({ reps: 5, iters: 4 }); // a repetition > 4 s: 5 reps
    expect(plan(6, { train: false })).toEqual({ reps: 5, iters: 1 });
  });
});
