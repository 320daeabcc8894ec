/**
 * `npm run bench`: every peer on every workload of ../shared/bench/WORKLOADS.md in one run, each
 * (peer, workload) in its own child process under `flock /tmp/bench.lock`; prints the tables and writes
 * BENCHMARKS.md (atomically).
 *
 *   npm run bench -- [--quick] [--only neocog,torch,W5a,W1a-natural] [--workloads W1,W3a] [--reps N] [--max-call-s 30]
 *                    [--timeout 600] [--out FILE] [--json FILE] [--list] [--from FILE]
 *
 * --from FILE re-renders a saved run. --only takes a comma list of peer and/or workload ids, --workloads of workload
 * ids; an exact id selects itself, anything else is a prefix (`neocog` = all neocog peers, `W1` = W1a, W1a-natural, W1b).
 * A filtered or --quick run writes bench/.cache/BENCHMARKS.partial.md instead of BENCHMARKS.md (unless --out).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadavg } from 'node:os';
import { PEERS, type PeerDef } from './lib/peers.js';
import { select, splitOnly } from './lib/select.js';
import { WORKLOADS, type Workload } from './lib/workloads.js';
import { RESULT_MARKER, type BenchResult } from './lib/result.js';
import { plan, fmtS } from './lib/protocol.js';
import { ROUND_PEERS, laterRounds, pooled, type RoundJob } from './lib/rounds.js';
import { machine, hasCommand, torchEnv, exportOnnx, pkgVersion, neocogFromDist, PYTHON, type TorchEnv } from './lib/setup-env.js';
import { fmtDur, key, renderMarkdown, terminalTables, type Results, type RunRecord } from './lib/report.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CACHE = join(ROOT, 'bench', '.cache');
const LOCK = '/tmp/bench.lock';

// ---------------------------------------------------------------------------------------------------
// Arguments

interface Args {
  quick: boolean;
  /** Rounds of the compared peers' jobs (ROUND_PEERS) per workload: 3, or 1 with --quick. */
  rounds?: number;
  only: string[] | null;
  workloads: string[] | null;
  reps?: number;
  /** Undefined: 30 s, or 5 s with --quick (a smoke run should not wait for a peer's slow calls). */
  maxCallS?: number;
  timeoutS: number;
  out: string | null;
  json: string;
  list: boolean;
  from?: string;
}

function usage(): never {
  console.log(`usage: npm run bench -- [options]
  --quick               smoke test: 1 warm-up call, ~0.25 s reps, 3 reps, --max-call-s 5 (not for reporting)
  --only a,b            peers and/or workloads by id (or id prefix), e.g. --only W5a,W1a-natural or --only neocog,W5
                        peers: ${PEERS.map((p) => p.id).join(', ')}
  --workloads a,b       workloads by id (or id prefix): ${WORKLOADS.map((w) => w.id).join(', ')}
  --reps N              repetitions (default 7, or 5 when a repetition takes > 4 s)
  --rounds N            the compared peers (${[...ROUND_PEERS].join(', ')}) run each workload N times, alternating,
                        their repetitions pooled (default 3; 1 with --quick)
  --max-call-s S        a first call slower than S s is reported as that single cold call (default 30; 5 with --quick)
  --timeout S           kill a (peer, workload) child after S s (default 600)
  --out FILE            markdown report (default BENCHMARKS.md; bench/.cache/BENCHMARKS.partial.md when filtered/quick)
  --json FILE           raw results (default bench/.cache/results.json)
  --list                print the jobs and exit
  --from FILE           re-render the tables and report from a saved results JSON (no runs)`);
  process.exit(0);
}

function parseArgs(argv: string[]): Args {
  const a: Args = { quick: false, only: null, workloads: null, timeoutS: 600, out: null, json: join(CACHE, 'results.json'), list: false };
  const list = (v: string | undefined, flag: string) => {
    if (!v) throw new Error(`${flag} needs a value`);
    return v.split(',').map((s) => s.trim()).filter(Boolean);
  };
  for (let i = 0; i < argv.length; i++) {
    const f = argv[i];
    const next = () => argv[++i];
    switch (f) {
      case '--quick': a.quick = true; break;
      case '--only': a.only = list(next(), f); break;
      case '--workloads': a.workloads = list(next(), f); break;
      case '--reps': a.reps = Number(next()); break;
      case '--rounds': a.rounds = Number(next()); break;
      case '--max-call-s': a.maxCallS = Number(next()); break;
      case '--timeout': a.timeoutS = Number(next()); break;
      case '--out': a.out = next(); break;
      case '--json': a.json = next(); break;
      case '--list': a.list = true; break;
      case '--from': a.from = next(); break;
      case '-h': case '--help': usage(); break;
      default: throw new Error(`unknown option ${f} (see --help)`);
    }
  }
  for (const [flag, v] of [['--reps', a.reps], ['--rounds', a.rounds], ['--max-call-s', a.maxCallS], ['--timeout', a.timeoutS]] as const) {
    if (v !== undefined && !(Number.isFinite(v) && v > 0)) throw new Error(`${flag} must be a positive number, got ${v}`);
  }
  if (a.reps !== undefined && !Number.isInteger(a.reps)) throw new Error(`--reps must be a whole number, got ${a.reps}`);
  if (a.rounds !== undefined && !Number.isInteger(a.rounds)) throw new Error(`--rounds must be a whole number, got ${a.rounds}`);
  a.maxCallS ??= a.quick ? 5 : 30;
  a.rounds ??= a.quick ? 1 : 3;
  return a;
}

// ---------------------------------------------------------------------------------------------------
// ETA: a-priori seconds per call (from WORKLOADS.md's reference figures and trial runs), run through the protocol

const GUESS_S: Record<string, Partial<Record<string, number>>> = {
  'neocog-ref': { W1a: 0.4, 'W1a-natural': 0.4, W1b: 0.5, W2a: 0.35, 'W2a-natural': 0.35, W2b: 0.35, W3a: 5, W3b: 9, W4: 50, W5a: 8, W5b: 0.003, sgemm: 20 },
  'neocog-wasm-1t': { W1a: 0.03, 'W1a-natural': 0.03, W1b: 0.03, W2a: 0.03, 'W2a-natural': 0.03, W2b: 0.03, W3a: 0.15, W3b: 0.3, W4: 2, W5a: 0.3, W5b: 0.001, sgemm: 0.5 },
  'neocog-wasm-2t': { W1a: 0.02, 'W1a-natural': 0.02, W1b: 0.02, W2a: 0.02, 'W2a-natural': 0.02, W2b: 0.02, W3a: 0.08, W3b: 0.15, W4: 1, W5a: 0.2, W5b: 0.001, sgemm: 0.25 },
  torch: { W1a: 0.005, W1b: 0.01, W2a: 0.005, W2b: 0.005, W3a: 0.02, W3b: 0.04, W4: 0.15, W5a: 0.025, W5b: 0.0003, sgemm: 0.05, sgemm1t: 0.2 },
  ort: { W1b: 0.003, W2b: 0.003, W3a: 0.02, W4: 0.1, W5a: 0.02, W5b: 0.0002 },
  'tfjs-wasm': { W1a: 0, W1b: 0.015, W2a: 0, W2b: 0.01, W3a: 0.1, W3b: 0, W4: 1, W5a: 0.3, W5b: 0.001, sgemm: 0.6 },
  'tfjs-cpu': { W1a: 4.5, W1b: 0.35, W2a: 3.8, W2b: 0.3, W3a: 3, W3b: 250, W4: 25, W5a: 15, W5b: 0.01, sgemm: 15 },
  convnetjs: { W1a: 0.3, W1b: 0.45, W2a: 0.3, W2b: 0.4, W3a: 5, W3b: 8, W5b: 0.002 },
};

function guessJobS(p: PeerDef, w: Workload, a: Args): number {
  const startup = p.lang === 'python' ? 3 : 2;
  const c = GUESS_S[p.id]?.[w.id] ?? 0.1;
  if (c === 0) return startup;
  if (c > a.maxCallS!) return startup + c;
  const warm = a.quick || c > 3 ? c : Math.max(1, 3 * c);
  const { reps, iters } = plan(c, { train: w.train, quick: a.quick, reps: a.reps });
  return startup + warm + reps * iters * c;
}


// ---------------------------------------------------------------------------------------------------
// Running one child

type Job = RoundJob<PeerDef>;


let current: { pid: number } | null = null;
/** Whether the neocog peers load dist/ (see neocogFromDist), decided once per run. */
let fromDist = false;

function childCommand(job: Job, a: Args, torch: TorchEnv, useFlock: boolean): { cmd: string; args: string[]; env: NodeJS.ProcessEnv } {
  const common = ['--workload', job.workload.id, ...(a.quick ? ['--quick'] : []), ...(a.reps ? ['--reps', String(a.reps)] : []), '--max-call-s', String(a.maxCallS!)];
  const argv = job.peer.lang === 'python'
    ? [PYTHON, join(ROOT, 'bench/peers/torch_bench.py'), '--threads', String(job.peer.threads ?? 2), ...common]
    : [process.execPath, '--import', 'tsx', join(ROOT, 'bench/child.ts'), '--peer', job.peer.id, ...common];
  const env: NodeJS.ProcessEnv = { ...process.env, ...(job.peer.lang === 'python' ? torch.env : {}) };
  // The neocog wasm backend's default thread count; the peer also calls its setter when exported.
  if (job.peer.module === 'neocog' && job.peer.threads) env.NEOCOG_THREADS = String(job.peer.threads);
  if (job.peer.module === 'neocog') env.NEOCOG_BENCH_DIST = fromDist ? '1' : '0';
  return useFlock ? { cmd: 'flock', args: [LOCK, ...argv], env } : { cmd: argv[0], args: argv.slice(1), env };
}

function runChild(job: Job, a: Args, torch: TorchEnv, useFlock: boolean): Promise<BenchResult> {
  const { cmd, args, env } = childCommand(job, a, torch, useFlock);
  const base = { peer: job.peer.id, workload: job.workload.id, unit: job.workload.unit } as const;
  const t0 = performance.now();
  return new Promise((done) => {
    // Own process group, so a timeout kills flock and the peer together.
    const child = spawn(cmd, args, { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    current = { pid: child.pid! };
    let stdout = '';
    let stderrTail = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderrTail = (stderrTail + d).slice(-4000);
      for (const line of d.split('\n')) if (line.startsWith('    ')) process.stderr.write(`${line}\n`);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }, a.timeoutS * 1000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      current = null;
      const wallS = (performance.now() - t0) / 1000;
      const line = stdout.split('\n').find((l) => l.startsWith(RESULT_MARKER));
      if (line) {
        done({ ...(JSON.parse(line.slice(RESULT_MARKER.length)) as BenchResult), wallS });
        return;
      }
      const lastErr = stderrTail.split('\n').filter((l) => l.trim() && !l.startsWith('    ')).slice(-3).join(' | ');
      if (timedOut) done({ ...base, status: 'timeout', reason: `killed after ${a.timeoutS} s (--timeout)`, wallS });
      else if (/heap out of memory|Cannot allocate|MemoryError|std::bad_alloc/i.test(stderrTail) || signal === 'SIGKILL') {
        done({ ...base, status: 'error', reason: `crashed, out of memory? (${signal ?? `exit ${code}`}): ${lastErr}`, wallS });
      } else done({ ...base, status: 'error', reason: `crashed (${signal ?? `exit ${code}`}) without a result: ${lastErr}`, wallS });
    });
  });
}

for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (current) {
      try {
        process.kill(-current.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    process.exit(130);
  });
}

// ---------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const a = parseArgs(process.argv.slice(2));
  if (a.from) return fromFile(resolve(a.from), a);
  const only = splitOnly(a.only, a.workloads);
  const peers = select(PEERS, only.peers, 'peer');
  const workloads = select(WORKLOADS, only.workloads, 'workload');
  const jobs: Job[] = [];
  // Workload-major order: the peers of one row run close together in time (the machine is shared, and
  // its speed changes from minute to minute). A variant row (natural code) runs right after its base
  // row's job of the same peer, so natural / tidy and natural / PyTorch compare runs seconds apart, not
  // minutes (before, the slow peers of the base row ran in between: TF.js cpu alone ~2 min).
  // Then the compared peers' later rounds of the workload, in reverse order every other round.
  const variants = (id: string) => workloads.filter((v) => v.variantOf === id);
  for (const w of workloads) {
    if (w.variantOf && workloads.some((b) => b.id === w.variantOf)) continue;
    const row: Job[] = [];
    for (const p of peers) {
      if (p.workloads.includes(w.id)) row.push({ peer: p, workload: w, round: 1 });
      for (const v of variants(w.id)) if (p.workloads.includes(v.id)) row.push({ peer: p, workload: v, round: 1 });
    }
    jobs.push(...row, ...laterRounds(row, a.rounds!));
  }
  if (a.list) {
    for (const j of jobs) console.log(`${j.workload.id}\t${j.peer.id}${j.round > 1 ? ` (round ${j.round})` : ''}\t~${fmtDur(guessJobS(j.peer, j.workload, a))}`);
    return;
  }
  const started = new Date();
  const m = machine();
  mkdirSync(CACHE, { recursive: true });
  const useFlock = hasCommand('flock');
  const needTorch = peers.some((p) => p.id === 'torch' || p.id === 'ort');
  console.error(`neocog bench: ${jobs.length} jobs, ${peers.length} peers, ${workloads.length} workloads${a.quick ? ' (quick)' : ''}`);
  console.error(`machine: ${m.cpu}, ${m.cores} cores, ${m.memGiB} GiB, node ${m.node}, load ${m.loadAvg.join(' ')}`);
  if (!useFlock) console.error('warning: flock not found, timed runs are not serialized with other benches');
  const torch: TorchEnv = needTorch ? torchEnv(CACHE, m) : { available: false, note: 'not selected', env: {}, envShown: '' };
  if (needTorch) console.error(`pytorch: ${torch.note}`);
  fromDist = neocogFromDist(ROOT);
  if (peers.some((p) => p.module === 'neocog')) {
    console.error(`neocog: ${fromDist ? 'the compiled package (dist/)' : 'the sources through tsx (dist/ is missing or older than src/: npm run build)'}`);
  }
  const preSkip = new Map<string, string>();
  if (!torch.available && needTorch) preSkip.set('torch', torch.note);
  if (peers.some((p) => p.id === 'ort')) {
    const why = exportOnnx(ROOT, join(CACHE, 'onnx'), torch);
    if (why) preSkip.set('ort', why);
    console.error(`onnx models: ${why ?? `ready in ${relative(ROOT, join(CACHE, 'onnx'))}`}`);
  }

  const results: Results = new Map();
  for (const w of workloads) for (const p of peers) if (!p.workloads.includes(w.id)) {
    const reason = w.variantOf && p.workloads.includes(w.variantOf)
      ? `compared on ${w.variantOf} (${p.label} runs only that row; a variant of neocog's own code)`
      : `outside ${p.label}'s scope (WORKLOADS.md)`;
    results.set(key(p.id, w.id), { peer: p.id, workload: w.id, unit: w.unit, status: 'n/a', reason });
  }
  const timeouts = new Map<string, number>();
  const guesses = jobs.map((j) => guessJobS(j.peer, j.workload, a));
  let spentGuess = 0;
  let spentReal = 0;
  const t0 = performance.now();
  for (let i = 0; i < jobs.length; i++) {
    const { peer: p, workload: w, round } = jobs[i];
    const first = results.get(key(p.id, w.id));
    // A later round runs only what its first round measured.
    if (round > 1 && first?.status !== 'ok') continue;
    const skip = preSkip.get(p.id);
    if (skip) {
      results.set(key(p.id, w.id), { peer: p.id, workload: w.id, unit: w.unit, status: 'skipped', reason: skip });
      console.error(`[${i + 1}/${jobs.length}] ${w.id} ${p.id}: skipped: ${skip}`);
      continue;
    }
    const elapsed = (performance.now() - t0) / 1000;
    // Scale the a-priori guesses by how they have fared so far (clamped), for the rest of the jobs.
    const scale = spentGuess > 0 ? Math.min(4, Math.max(0.25, spentReal / spentGuess)) : 1;
    const left = guesses.slice(i).reduce((s, g, k) => s + (preSkip.has(jobs[i + k].peer.id) ? 0 : g), 0) * scale;
    console.error(`[${i + 1}/${jobs.length}] ${w.id} ${p.label}${round > 1 ? `, round ${round}` : ''} ... (elapsed ${fmtDur(elapsed)}, ETA ~${fmtDur(left)})`);
    const load1 = Math.round(loadavg()[0] * 100) / 100;
    const r = { ...(await runChild(jobs[i], a, torch, useFlock)), load1 };
    if (round === 1) results.set(key(p.id, w.id), r);
    else if (r.status === 'ok' && r.timing && !r.timing.single) results.set(key(p.id, w.id), pooled(first!, r, w));
    else results.set(key(p.id, w.id), { ...first!, notes: [...(first!.notes ?? []), `round ${round}: ${r.status}${r.reason ? ` (${r.reason})` : ''}, not pooled`] });
    if (r.status === 'ok') {
      spentGuess += guesses[i];
      spentReal += r.wallS ?? 0;
    }
    if (r.status === 'ok' && r.throughput && r.timing) {
      const t = r.timing;
      console.error(`    => ${r.throughput.median.toFixed(r.throughput.median >= 100 ? 0 : 2)} ${w.unit} (${t.single ? 'one cold call' : `${t.reps}x${t.iters}, ${fmtS(t.medianS)}/call`}, ${Math.round(r.wallS ?? 0)} s)`);
    } else {
      console.error(`    => ${r.status}: ${r.reason}`);
      // A peer that is absent here is absent for every workload.
      if (r.status === 'skipped') preSkip.set(p.id, r.reason ?? 'skipped');
      // A peer that hangs is not given the full timeout on every workload.
      if (r.status === 'timeout') {
        const n = (timeouts.get(p.id) ?? 0) + 1;
        timeouts.set(p.id, n);
        if (n >= 2) preSkip.set(p.id, `skipped after ${n} timeouts of this peer`);
      }
    }
  }
  const rec: RunRecord = {
    started: started.toISOString(),
    totalS: (performance.now() - t0) / 1000,
    cmdline: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    quick: a.quick,
    only: only.peers,
    workloads: only.workloads,
    machine: m,
    loadEnd: loadavg().map((x) => Math.round(x * 100) / 100),
    torch: torch.note,
    torchEnvShown: torch.envShown,
    versions: versions(torch),
    results: [...results.values()],
  };
  writeAtomic(resolve(a.json), JSON.stringify(rec, null, 2));
  report(rec, a);
}

function versions(torch: TorchEnv): string[] {
  return [
    `node ${process.version}`,
    ...['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-wasm', 'onnxruntime-node', 'convnetjs'].map((n) => `${n} ${pkgVersion(resolve(ROOT, 'bench'), n) ?? 'not installed'}`),
    torch.available ? `torch ${torch.version}` : 'torch: not available',
  ];
}

/** Prints the tables and writes the markdown report (BENCHMARKS.md for a full run). */
function report(rec: RunRecord, a: Args): void {
  console.log(`\n${terminalTables(rec)}`);
  const filtered = rec.only !== null || rec.workloads !== null;
  const out = a.out ? resolve(a.out) : rec.quick || filtered ? join(CACHE, 'BENCHMARKS.partial.md') : join(ROOT, 'BENCHMARKS.md');
  writeAtomic(out, renderMarkdown(rec, PYTHON, LOCK));
  console.error(`\nwrote ${relative(ROOT, out)}${a.from ? '' : ` and ${relative(ROOT, resolve(a.json))}`}${rec.totalS ? ` (${fmtDur(rec.totalS)})` : ''}`);
}

/** --from FILE: re-render a saved run (also reads the first format, which kept `args` and `torch`). */
function fromFile(path: string, a: Args): void {
  const raw = JSON.parse(readFileSync(path, 'utf8')) as Partial<RunRecord> & { args?: Partial<Args>; results: BenchResult[] };
  const rec: RunRecord = {
    started: raw.started ?? new Date(statSync(path).mtimeMs).toISOString(),
    totalS: raw.totalS ?? raw.results.reduce((s, r) => s + (r.wallS ?? 0), 0),
    cmdline: raw.cmdline ?? 'npm run bench',
    quick: raw.quick ?? raw.args?.quick ?? false,
    only: raw.only ?? raw.args?.only ?? null,
    workloads: raw.workloads ?? raw.args?.workloads ?? null,
    machine: raw.machine!,
    loadEnd: raw.loadEnd,
    torch: raw.torch ?? '',
    torchEnvShown: raw.torchEnvShown,
    versions: raw.versions,
    results: raw.results,
  };
  report(rec, a);
}

function writeAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
