/** Tables (terminal and markdown) and BENCHMARKS.md from the results of one run. */
import type { BenchResult } from './result.js';
import { PEERS, BASELINE, BASELINE2, type PeerDef } from './peers.js';
import { WORKLOADS, lowerIsBetter, type Workload } from './workloads.js';
import type { Machine } from './setup-env.js';
import { fmtS } from './protocol.js';

export type Results = Map<string, BenchResult>;
export const key = (peer: string, workload: string) => `${peer}/${workload}`;

export function fmtNum(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v >= 100) return Math.round(v).toLocaleString('en-US');
  if (v >= 10) return v.toFixed(1);
  if (v >= 1) return v.toFixed(2);
  return v.toPrecision(2);
}

const SHORT: Record<BenchResult['status'], string> = { ok: '', unsupported: 'cannot', skipped: 'skipped', 'n/a': 'n/a', error: 'error', timeout: 'timeout' };

/** A cell: the median throughput, `*` when it is one cold call. */
export function cell(r: BenchResult | undefined): string {
  if (!r) return '';
  if (r.status !== 'ok' || !r.throughput) return SHORT[r.status];
  return fmtNum(r.throughput.median) + (r.timing?.single ? '*' : '');
}

const fmtRatio = (x: number) => `${x >= 10 ? x.toFixed(0) : x >= 1 ? x.toFixed(2) : x.toPrecision(2)}×`;

/**
 * The result a row compares against: the peer's own, or for a variant row (W1a-natural) that the peer does
 * not run, its row of the base workload (PyTorch's W1a loop is already natural code).
 */
function rowResult(res: Results, peerId: string, w: Workload): { r: BenchResult | undefined; via?: string } {
  const own = res.get(key(peerId, w.id));
  if (w.variantOf && (!own || own.status === 'n/a')) {
    const base = res.get(key(peerId, w.variantOf));
    if (base && base.status !== 'n/a') return { r: base, via: w.variantOf };
  }
  return { r: own };
}

/**
 * Ratio of a result to the baseline's on the same row. Throughput rows: peer / baseline (> 1× = faster).
 * Latency rows (ms): peer / baseline as well, i.e. "× the baseline's latency" (< 1× = faster).
 */
export function ratioValue(w: Workload, r: BenchResult | undefined, base: BenchResult | undefined): number | null {
  if (r?.status !== 'ok' || !r.throughput || base?.status !== 'ok' || !base.throughput) return null;
  return r.throughput.median / base.throughput.median;
}

function ratioCell(w: Workload, res: Results, peerId: string, baseline: string): string {
  const { r, via } = rowResult(res, peerId, w);
  if (!r) return '';
  if (via) return `= ${via}`;
  if (r.status !== 'ok' || !r.throughput) return SHORT[r.status];
  const base = rowResult(res, baseline, w).r;
  const x = ratioValue(w, r, base);
  if (x === null) return '–';
  return fmtRatio(x) + (r.timing?.single || base?.timing?.single ? '*' : '');
}

export interface Table {
  header: string[];
  rows: string[][];
}

export function mediansTable(ws: readonly Workload[], ps: readonly PeerDef[], res: Results): Table {
  return {
    header: ['workload', ...ps.map((p) => p.label)],
    rows: ws.map((w) => [w.title, ...ps.map((p) => {
      const { r, via } = rowResult(res, p.id, w);
      return via ? `= ${via}` : cell(r);
    })]),
  };
}

/** Ratios to `baseline`, rows of one kind (throughput rows, or latency rows). */
export function ratioTable(ws: readonly Workload[], ps: readonly PeerDef[], res: Results, baseline: string): Table {
  return {
    header: ['workload', ...ps.map((p) => p.label)],
    rows: ws.map((w) => [w.id, ...ps.map((p) => ratioCell(w, res, p.id, baseline))]),
  };
}

/** Natural-code rows over the scoped row they are a variant of, per peer that runs both (target >= 0.9×). */
export function naturalTable(ws: readonly Workload[], ps: readonly PeerDef[], res: Results): Table | null {
  const rows = ws.filter((w) => w.variantOf);
  const cols = ps.filter((p) => rows.some((w) => p.workloads.includes(w.id)));
  if (rows.length === 0 || cols.length === 0) return null;
  return {
    header: ['natural / tidy', ...cols.map((p) => p.label)],
    rows: rows.map((w) => [`${w.id} / ${w.variantOf}`, ...cols.map((p) => {
      const r = res.get(key(p.id, w.id));
      if (!r) return '';
      if (r.status !== 'ok') return SHORT[r.status];
      const x = ratioValue(w, r, res.get(key(p.id, w.variantOf!)));
      return x === null ? '–' : fmtRatio(x);
    })]),
  };
}

const throughputRows = (ws: readonly Workload[]) => ws.filter((w) => !lowerIsBetter(w));
const latencyRows = (ws: readonly Workload[]) => ws.filter(lowerIsBetter);

export function markdown(t: Table): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const lines = [`| ${t.header.map(esc).join(' | ')} |`, `|${t.header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`];
  for (const r of t.rows) lines.push(`| ${r.map(esc).join(' | ')} |`);
  return lines.join('\n');
}

export function plain(t: Table): string {
  const all = [t.header, ...t.rows];
  const width = t.header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const fmt = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(width[i]) : c.padStart(width[i]))).join('  ');
  return [fmt(t.header), width.map((w) => '-'.repeat(w)).join('  '), ...t.rows.map(fmt)].join('\n');
}

/** One line per measured or failed cell: median [min–max], reps × iters, what ran, why not. */
export function details(ws: readonly Workload[], ps: readonly PeerDef[], res: Results): string[] {
  const out: string[] = [];
  for (const w of ws) {
    for (const p of ps) {
      const r = res.get(key(p.id, w.id));
      if (!r || r.status === 'n/a') continue;
      const wall = (r.wallS !== undefined ? `, ${Math.round(r.wallS)} s wall` : '') + (r.load1 !== undefined ? `, load ${r.load1}` : '');
      if (r.status === 'ok' && r.throughput && r.timing) {
        const t = r.timing;
        const rounds = r.rounds ? `, ${r.rounds.length} rounds pooled (medians ${r.rounds.map((x) => fmtS(x.medianS)).join(' / ')}; loads ${r.rounds.map((x) => x.load1 ?? '?').join(' / ')})` : '';
        const how = t.single ? `one cold call of ${fmtS(t.medianS)} (first call > max-call-s)` : `${t.reps} reps × ${t.iters} iters${rounds}, ${fmtS(t.medianS)}/call`;
        const notes = r.notes?.length ? `; ${r.notes.join('; ')}` : '';
        out.push(`- ${w.id} ${p.label}: ${fmtNum(r.throughput.median)} ${w.unit} [${fmtNum(r.throughput.min)}–${fmtNum(r.throughput.max)}], ${how}${wall} — ${r.detail ?? ''}${notes}`);
      } else {
        out.push(`- ${w.id} ${p.label}: **${r.status}** — ${r.reason ?? ''}${wall}`);
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// BENCHMARKS.md

/** Everything a report needs; saved as JSON so `--from` can re-render it. */
export interface RunRecord {
  started: string;
  totalS?: number;
  cmdline: string;
  quick: boolean;
  only: string[] | null;
  workloads: string[] | null;
  machine: Machine;
  loadEnd?: number[];
  torch: string;
  torchEnvShown?: string;
  versions?: string[];
  results: BenchResult[];
}

export function resultsMap(rec: RunRecord): Results {
  return new Map(rec.results.map((r) => [key(r.peer, r.workload), r]));
}

/** Peers and workloads present in the record, in table order. */
export function layout(rec: RunRecord): { peers: PeerDef[]; workloads: Workload[] } {
  const ps = new Set(rec.results.map((r) => r.peer));
  const ws = new Set(rec.results.map((r) => r.workload));
  return { peers: PEERS.filter((p) => ps.has(p.id)), workloads: WORKLOADS.filter((w) => ws.has(w.id)) };
}

export function terminalTables(rec: RunRecord): string {
  const { peers, workloads } = layout(rec);
  const res = resultsMap(rec);
  const label = (id: string) => PEERS.find((p) => p.id === id)!.label;
  const parts = [`Medians (img/s, GFLOP/s: higher is better; ms: lower is better; * = one cold call):\n\n${plain(mediansTable(workloads, peers, res))}`];
  for (const b of [BASELINE, BASELINE2]) {
    if (!peers.some((p) => p.id === b)) continue;
    const tp = throughputRows(workloads);
    const lat = latencyRows(workloads);
    if (tp.length) parts.push(`Throughput / ${label(b)}'s (> 1x = faster):\n\n${plain(ratioTable(tp, peers, res, b))}`);
    if (lat.length) parts.push(`Latency, x ${label(b)}'s latency (< 1x = faster):\n\n${plain(ratioTable(lat, peers, res, b))}`);
  }
  const nat = naturalTable(workloads, peers, res);
  if (nat) parts.push(`Natural code / the same under tidy (1x = as fast; target >= 0.9x):\n\n${plain(nat)}`);
  return parts.join('\n\n');
}

export const fmtDur = (s: number) => (s < 90 ? `${Math.round(s)} s` : s < 5400 ? `${Math.round(s / 60)} min` : `${(s / 3600).toFixed(1)} h`);

export function renderMarkdown(rec: RunRecord, python: string, lock: string): string {
  const { peers, workloads } = layout(rec);
  const res = resultsMap(rec);
  const m = rec.machine;
  const label = (id: string) => PEERS.find((p) => p.id === id)!.label;
  const loads = [...m.loadAvg.slice(0, 1), ...(rec.loadEnd?.slice(0, 1) ?? []), ...rec.results.map((r) => r.load1 ?? 0)];
  const peak = Math.max(...loads);
  const filtered = rec.only !== null || rec.workloads !== null;
  const neocog = peers.filter((p) => p.module === 'neocog').map((p) => {
    const rs = workloads.map((w) => res.get(key(p.id, w.id))).filter((x): x is BenchResult => x !== undefined && x.status !== 'n/a');
    const r = rs.find((x) => x.status === 'ok') ?? rs.find((x) => x.detail) ?? rs[0];
    return `- ${p.label}: ${r?.detail ?? (r ? `${r.status}: ${r.reason}` : 'not run')}`;
  });
  const tp = throughputRows(workloads);
  const lat = latencyRows(workloads);
  const ratio = (b: string, blurb: string, latBlurb: string) =>
    peers.some((p) => p.id === b)
      ? [
        `## Ratio to ${label(b)}`,
        ...(tp.length ? ['', blurb, '', markdown(ratioTable(tp, peers, res, b))] : []),
        ...(lat.length ? ['', latBlurb, '', markdown(ratioTable(lat, peers, res, b))] : []),
        '',
      ]
      : [];
  const nat = naturalTable(workloads, peers, res);
  return [
    '# Benchmarks',
    '',
    `Generated by \`${rec.cmdline}\` on ${rec.started.replace(/\.\d+Z$/, 'Z')}${rec.totalS ? ` (${fmtDur(rec.totalS)})` : ''}. Workloads and protocol:`,
    '`../shared/bench/WORKLOADS.md` (mirrored in `bench/lib/workloads.ts`; the natural-code and W5 rows are described in',
    '`bench/README.md`). Throughput rows (img/s, GFLOP/s): higher is better; latency rows (ms): lower is better. The machine',
    'is shared, so absolute numbers drift between runs: compare within one run, as ratios.',
    ...(rec.quick ? ['', '**Quick mode (smoke test): timings are not representative.**'] : []),
    ...(filtered ? ['', `Filtered run: peers ${rec.only?.join(',') ?? 'all'}, workloads ${rec.workloads?.join(',') ?? 'all'}.`] : []),
    ...(peak > m.cores
      ? ['', `**Warning: the machine was oversubscribed during this run** (1-minute load average up to ${peak} on ${m.cores} cores; per-job`,
        'loads are in the details). Multi-threaded peers suffer most (OpenMP/worker threads wait on descheduled peers: PyTorch 2T,',
        'ORT 2T, neocog wasm 2T), so ratios against them are unreliable here. Re-run on a quiet machine before drawing conclusions.']
      : []),
    '',
    '## Machine',
    '',
    `- CPU: ${m.cpu}, ${m.cores} cores visible, ${m.memGiB} GiB RAM, ${m.os}`,
    `- Load average (1/5/15 min) at start ${m.loadAvg.join(' / ')}${rec.loadEnd ? `, at the end ${rec.loadEnd.join(' / ')}` : ''} (other work shares this machine)`,
    ...(rec.versions ? [`- ${rec.versions.join(', ')}`] : [`- node ${m.node}`]),
    `- PyTorch: ${rec.torch}`,
    ...(rec.torchEnvShown?.includes('GLIBC_TUNABLES')
      ? ['- PyTorch runs with glibc\'s allocator told to keep freed memory (`GLIBC_TUNABLES=glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=17179869184`),',
        '  as PyTorch CPU tuning guides advise (jemalloc/tcmalloc do the same): PyTorch at its best. Without it oneDNN\'s per-call',
        '  buffers page-fault on every call and PyTorch\'s convolutions run several times slower, which would flatter every ratio.']
      : rec.torch && !/not (available|selected)/.test(rec.torch) ? ['- PyTorch ran with the stock glibc allocator settings (a run from before the bench set GLIBC_TUNABLES): ratios to it are flattering.'] : []),
    ...neocog,
    '',
    '## Medians',
    '',
    'img/s or GFLOP/s (higher is better) or ms per call (W5, lower is better) as the row says. `*`: one cold call (the first',
    'call took longer than `--max-call-s`), a bound. `= W1a` (natural-code rows): the peer runs only the base row, and',
    'its figure there is what the natural row is compared with (PyTorch\'s W1a/W2a loops are already plain code).',
    '`cannot`: the peer has no way to run it; `n/a`: outside the peer\'s scope in WORKLOADS.md; `skipped`: the peer is absent here;',
    '`error`: the child failed (reason in the details).',
    '',
    markdown(mediansTable(workloads, peers, res)),
    '',
    ...ratio(BASELINE, 'Throughput / PyTorch\'s throughput (> 1× = faster than PyTorch; `–`: no PyTorch figure). Natural-code rows are divided by PyTorch\'s W1a / W2a.',
      'Latency (W5): **× PyTorch\'s latency** = peer ms / PyTorch ms, so lower is better (< 1× = faster than PyTorch; the issue\'s target for neocog is ≤ 2×).'),
    ...ratio(BASELINE2, 'Throughput / TF.js-wasm\'s throughput (`–`: TF.js-wasm cannot run it).',
      'Latency (W5): **× TF.js-wasm\'s latency** = peer ms / TF.js-wasm ms, lower is better (3× TF.js-wasm\'s speed = ≤ 0.33×).'),
    ...(nat
      ? ['## Natural code vs tidy', '',
        'The natural-code row\'s throughput / the same peer\'s scoped row (W1a-natural / W1a, W2a-natural / W2a): 1× = plain code',
        'runs as fast as code inside `tidy`; the target is ≥ 0.9× (within 10%).', '', markdown(nat), '']
      : []),
    '## Details',
    '',
    'median [lowest–highest over the repetitions], repetitions × calls per repetition, wall time and 1-minute load average of the child, what ran.',
    '',
    ...details(workloads, peers, res),
    '',
    '## How to run',
    '',
    '- `npm run bench` (= `npm run build`, then `tsx bench/run.ts`) runs everything and rewrites this file (atomically). Options (`npm run bench -- --help`):',
    '  `--quick` (smoke test), `--only neocog,torch,W5a,W1a-natural` (peer and/or workload ids or prefixes; `--workloads W1,W3a`',
    '  filters workloads only; a filtered or quick run writes',
    '  `bench/.cache/BENCHMARKS.partial.md` instead), `--reps N`, `--max-call-s S`, `--timeout S`, `--from results.json` (re-render).',
    '- Fresh clone: `ONNXRUNTIME_NODE_INSTALL=skip npm ci` (onnxruntime-node\'s postinstall otherwise tries to download CUDA',
    '  binaries and fails offline), and `npm run build` so the neocog wasm kernels and `dist/` exist (without an up-to-date',
    '  `dist/` the neocog peers run the sources through tsx).',
    '- Each (peer, workload) runs in its own child process, so a crash or OOM is reported and the run goes on:',
    `  - TypeScript peers: \`flock ${lock} node --import tsx bench/child.ts --peer <id> --workload <id> [--quick] [--reps N]\``,
    `    (ids: ${PEERS.filter((p) => p.lang === 'ts').map((p) => p.id).join(', ')})`,
    `  - PyTorch: \`flock ${lock} env ${rec.torchEnvShown || '(stock torch)'} ${python} bench/peers/torch_bench.py --workload <id> --threads 2\``,
    '',
    '## Peers',
    '',
    '- neocog (`bench/peers/neocog.ts`), loaded from `dist/` (the compiled package, as `npm install` gives it; `npm run bench`',
    '  builds it first) or, where that is older than `src/`, from the sources through tsx (each row\'s detail says which):',
    '  models built from public `nn` layers (FuaNet, LeNet-5, ResNet-18 with `nn.Residual`',
    '  BasicBlocks), `optim.SGD`, steps inside `tidy` (outputs freed every call, as PyTorch frees them by refcount; TF.js too);',
    '  inference under `noGrad`. Natural-code rows: a `Module` subclass (nn layers + F ops), a `data.DataLoader` over the batch and',
    '  the plain loop `zeroGrad; loss = F.nllLoss|crossEntropy(model.call(x), y); backward; step; loss.item()` with no',
    '  `tidy`/`dispose`/`keep`. W5: `models.resnet18()` / `models.lenet5({ activation: \'relu\' })`, eval,',
    '  `noGrad(() => model.call(x).dataSync())` with no `tidy`. W3b = `y.backward(dY)` on a kept conv graph',
    '  (Conv2DBackpropInput + Conv2DBackpropFilter + bias sum). wasm threads: NEOCOG_THREADS and the exported `set*Threads` setter.',
    '- TF.js: tfjs-core ops in NHWC with `tf.fused.conv2d`/`fused.matMul` (bias, relu), `tf.train.momentum`; tfjs-layers is',
    '  imported only to register the gradient functions. W3b = the `Conv2DBackpropInput` + `Conv2DBackpropFilter` kernels + `sum(dY)`.',
    '  tfjs-wasm runs one thread in Node and registers no `Conv2DBackpropFilter` (cannot train CNNs).',
    '- ConvNetJS: float64 per-image `Vol`s, its `Trainer` (sgd, momentum 0.9, batch_size 64); LeNet-5\'s average pooling is a',
    '  small layer in ConvNetJS\'s style in the bench (it has none). W3b = `ConvLayer.backward` per image (dX, dW, db).',
    `- ONNX Runtime (onnxruntime-node, CPU EP): models from \`${python} bench/peers/export_onnx.py bench/.cache/onnx\``,
    '  (torch.onnx.export, opset 13, eval mode so BatchNorm is folded, static shapes), all graph optimisations, 2 intra-op threads.',
    '- PyTorch: `torch.set_num_threads(2)` (1 for sgemm1t), `inference_mode` for inference, W3b = `aten::convolution_backward`,',
    '  W5a = torchvision\'s `resnet18` (the same layers from `bench/peers/torch_models.py` where torchvision does not import);',
    '  `GLIBC_TUNABLES` as above;',
    '  OpenBLAS (openmp) from `apt-get download libopenblas0-openmp` + `dpkg -x` into `bench/.cache/openblas` (gitignored),',
    '  `OPENBLAS_CORETYPE=SkylakeX` on AVX-512 CPUs; falls back to the stock torch (netlib BLAS) and says so.',
    '- Timing (`bench/lib/protocol.ts`, `bench/peers/torch_bench.py`, identical): warm-up ≥ 3 calls and ≥ 1 s (one call if it',
    '  takes > 3 s); iters calibrated to ~1 s per repetition (training: ≥ 20 timed steps); 7 repetitions (5 when one takes > 4 s);',
    '  median, min and max of the per-call times; every child under `flock /tmp/bench.lock`.',
    '- Rounds (`bench/run.ts` ROUND_PEERS): neocog 2 threads (with its natural-code rows), PyTorch and TF.js wasm, the peers the',
    '  targets compare, run each workload in `--rounds` rounds (default 3, see the command line above), one child',
    '  process each, alternating order, right after the workload\'s other peers; a row pools its rounds\' repetitions (median,',
    '  min, max over all of them; each round\'s median in the details). iters is the first round\'s (each round calibrates its own).',
    '',
  ].join('\n');
}
