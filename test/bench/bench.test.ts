/**
 * Smoke test of the peer bench: neocog workloads for one quick repetition, through the same child
 * process `npm run bench` uses (shape of the JSON result only, never the timings), and the report's
 * arithmetic on made-up results (ratio directions for throughput and latency rows, natural / tidy).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RESULT_MARKER, throughputOf, type BenchResult } from '../../bench/lib/result.js';
import { plan, type Timing } from '../../bench/lib/protocol.js';
import { mediansTable, naturalTable, ratioTable, renderMarkdown, resultsMap, type RunRecord } from '../../bench/lib/report.js';
import { PEERS } from '../../bench/lib/peers.js';
import { select, splitOnly } from '../../bench/lib/select.js';
import { WORKLOADS, workload } from '../../bench/lib/workloads.js';
import { laterRounds, pooled } from '../../bench/lib/rounds.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

async function runChild(peer: string, w: string): Promise<BenchResult> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'bench/child.ts', '--peer', peer, '--workload', w, '--quick', '--reps', '1'],
    { cwd: root, timeout: 60_000 },
  );
  const line = stdout.split('\n').find((l) => l.startsWith(RESULT_MARKER));
  expect(line).toBeDefined();
  return JSON.parse(line!.slice(RESULT_MARKER.length)) as BenchResult;
}

/** A made-up ok result: `value` in the workload's unit (img/s or ms). */
function fake(peer: string, w: string, value: number): BenchResult {
  const wl = workload(w);
  const s = wl.unit === 'ms' ? value / 1000 : wl.batch / value;
  const timing: Timing = { perCallS: [s], medianS: s, minS: s, maxS: s, reps: 1, iters: 1, warmupCalls: 1, warmupS: s, single: false, quick: false };
  return { peer, workload: wl.id, unit: wl.unit, status: 'ok', timing, throughput: throughputOf(wl, timing), detail: 'made up' };
}

describe('bench', () => {
  it('runs neocog-reference W2b (LeNet-5 inference) for one quick repetition and reports JSON', async () => {
    const r = await runChild('neocog-ref', 'W2b');
    expect(r).toMatchObject({ peer: 'neocog-ref', workload: 'W2b', unit: 'img/s', status: 'ok' });
    expect(r.detail).toMatch(/reference/);
    expect(r.timing).toMatchObject({ reps: 1, quick: true, single: false });
    expect(r.timing!.perCallS).toHaveLength(1);
    expect(r.timing!.iters).toBeGreaterThanOrEqual(1);
    for (const v of [r.timing!.medianS, r.timing!.minS, r.timing!.maxS]) expect(v).toBeGreaterThan(0);
    for (const v of [r.throughput!.median, r.throughput!.min, r.throughput!.max]) expect(Number.isFinite(v) && v > 0).toBe(true);
  }, 60_000);

  it('runs the natural-code loop (W1a-natural: Module + DataLoader, no tidy) on neocog-reference', async () => {
    const nat = await runChild('neocog-ref', 'W1a-natural');
    expect(nat).toMatchObject({ workload: 'W1a-natural', unit: 'img/s', status: 'ok', timing: { reps: 1, quick: true } });
    expect(nat.throughput!.median).toBeCloseTo(64 / nat.timing!.medianS, 6);
  }, 60_000);

  it('runs batch-1 latency (W5b) on neocog-reference and reports ms', async () => {
    const lat = await runChild('neocog-ref', 'W5b');
    expect(lat).toMatchObject({ workload: 'W5b', unit: 'ms', status: 'ok', timing: { reps: 1, quick: true } });
    // Latency in ms, not images per second.
    expect(lat.throughput!.median).toBeCloseTo(lat.timing!.medianS * 1000, 6);
  }, 60_000);

  it('takes ratios the right way round: throughput / PyTorch, latency as x PyTorch\'s latency, natural / tidy', () => {
    const rec: RunRecord = {
      started: '2026-12-02T00:00:00.000Z', cmdline: 'npm run bench', quick: false, only: null, workloads: null,
      machine: { cpu: 'test', cores: 2, memGiB: 8, node: 'v20', os: 'linux', loadAvg: [0, 0, 0], avx512: false },
      torch: 'torch 1.13 with OpenBLAS, glibc malloc keeping freed memory (GLIBC_TUNABLES)',
      torchEnvShown: 'GLIBC_TUNABLES=glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=17179869184',
      results: [
        fake('torch', 'W1a', 1000), fake('neocog-wasm-2t', 'W1a', 500), fake('neocog-wasm-2t', 'W1a-natural', 450),
        { peer: 'torch', workload: 'W1a-natural', unit: 'img/s', status: 'n/a', reason: 'compared on W1a' },
        fake('torch', 'W5a', 20), fake('neocog-wasm-2t', 'W5a', 30), fake('tfjs-wasm', 'W5a', 60),
      ],
    };
    const res = resultsMap(rec);
    const ps = PEERS.filter((p) => ['neocog-wasm-2t', 'torch', 'tfjs-wasm'].includes(p.id));
    const ws = (...ids: string[]) => ids.map(workload);
    const col = (t: { header: string[] }, label: string) => t.header.indexOf(label);
    const tp = ratioTable(ws('W1a', 'W1a-natural'), ps, res, 'torch');
    expect(tp.rows[0][col(tp, 'neocog wasm 2T')]).toBe('0.50×');
    expect(tp.rows[1][col(tp, 'neocog wasm 2T')]).toBe('0.45×'); // natural row over PyTorch's W1a
    expect(tp.rows[1][col(tp, 'PyTorch 2T')]).toBe('= W1a');
    const lat = ratioTable(ws('W5a'), ps, res, 'torch');
    expect(lat.rows[0][col(lat, 'neocog wasm 2T')]).toBe('1.50×'); // 30 ms = 1.5x PyTorch's 20 ms latency
    expect(lat.rows[0][col(lat, 'TF.js wasm')]).toBe('3.00×');
    expect(ratioTable(ws('W5a'), ps, res, 'tfjs-wasm').rows[0][1]).toBe('0.50×'); // neocog: half TF.js-wasm's latency
    const nat = naturalTable(ws('W1a-natural'), ps, res)!;
    expect(nat.header).toEqual(['natural / tidy', 'neocog wasm 2T']);
    expect(nat.rows[0]).toEqual(['W1a-natural / W1a', '0.90×']);
    const med = mediansTable(ws('W1a-natural', 'W5a'), ps, res);
    expect(med.rows[0][col(med, 'PyTorch 2T')]).toBe('= W1a');
    expect(med.rows[1][col(med, 'neocog wasm 2T')]).toBe('30.0');
    const md = renderMarkdown(rec, '/usr/bin/python3', '/tmp/bench.lock');
    expect(md).toContain('GLIBC_TUNABLES=glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=17179869184');
    expect(md).toMatch(/× PyTorch's latency/);
    expect(md).toContain('| W1a-natural / W1a | 0.90× |');
  });

  it('selects workloads and peers from --only and --workloads', () => {
    expect(splitOnly(['W5a', 'W1a-natural'], null)).toEqual({ peers: null, workloads: ['W5a', 'W1a-natural'] });
    expect(splitOnly(['neocog', 'W5'], ['W1b'])).toEqual({ peers: ['neocog'], workloads: ['W1b', 'W5'] });
    expect(() => splitOnly(['nope'], null)).toThrow(/no peer or workload matches/);
    const ids = (ts: string[]) => select(WORKLOADS, ts, 'workload').map((w) => w.id);
    expect(ids(['W1a'])).toEqual(['W1a']); // an exact id is not also a prefix
    expect(ids(['W1'])).toEqual(['W1a', 'W1a-natural', 'W1b']);
    expect(ids(['w5'])).toEqual(['W5a', 'W5b']);
    expect(select(PEERS, ['neocog'], 'peer').map((p) => p.id)).toEqual(['neocog-wasm-2t', 'neocog-wasm-1t', 'neocog-ref']);
  });

  it('runs the compared peers in later rounds, alternating, and pools their repetitions', () => {
    const row = ['neocog-wasm-2t', 'neocog-wasm-1t', 'torch', 'tfjs-wasm', 'convnetjs'].map((id) => ({ peer: { id }, workload: workload('W2b'), round: 1 }));
    const later = laterRounds(row, 3).map((j) => `${j.peer.id}:${j.round}`);
    expect(later).toEqual(['tfjs-wasm:2', 'torch:2', 'neocog-wasm-2t:2', 'neocog-wasm-2t:3', 'torch:3', 'tfjs-wasm:3']);
    expect(laterRounds(row, 1)).toEqual([]);
    const a = fake('torch', 'W2b', 256 / 0.004), b = fake('torch', 'W2b', 256 / 0.002);
    a.timing!.perCallS = [0.004, 0.005, 0.003];
    b.timing!.perCallS = [0.002, 0.0025];
    const p = pooled({ ...a, load1: 1.2 }, { ...b, load1: 0.7 }, workload('W2b'));
    expect(p.timing).toMatchObject({ perCallS: [0.004, 0.005, 0.003, 0.002, 0.0025], medianS: 0.003, minS: 0.002, maxS: 0.005, reps: 2 });
    expect(p.throughput!.median).toBeCloseTo(256 / 0.003);
    expect(p.throughput!.max).toBeCloseTo(256 / 0.002);
    expect(p.rounds).toEqual([{ medianS: 0.004, load1: 1.2 }, { medianS: 0.002, load1: 0.7 }]);
  });

  it('plans repetitions as WORKLOADS.md says', () => {
    expect(plan(0.01, { train: false })).toEqual({ reps: 7, iters: 100 });
    expect(plan(0.01, { train: true })).toEqual({ reps: 7, iters: 100 });
    expect(plan(0.5, { train: true })).toEqual({ reps: 7, iters: 3 }); // >= 20 timed steps
    expect(plan(4.6, { train: true })).toEqual({ reps: 5, iters: 4 }); // a repetition > 4 s: 5 reps
    expect(plan(6, { train: false })).toEqual({ reps: 5, iters: 1 });
  });
});
