/**
 * One peer, one workload, in its own process (run.ts spawns it under `flock /tmp/bench.lock`):
 *
 *   node --import tsx bench/child.ts --peer neocog-ref --workload W1b [--quick] [--reps N] [--max-call-s S]
 *
 * Progress goes to stderr; the result is one JSON line after RESULT_MARKER on stdout.
 */
import { measure } from './lib/protocol.js';
import { RESULT_MARKER, Skip, Unsupported, throughputOf, type BenchResult } from './lib/result.js';
import { peer as peerDef } from './lib/peers.js';
import { workload as workloadDef } from './lib/workloads.js';
import type { Setup } from './lib/peer-api.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function emit(r: BenchResult): void {
  process.stdout.write(`${RESULT_MARKER}${JSON.stringify(r)}\n`);
}

async function main(): Promise<void> {
  const p = peerDef(arg('--peer') ?? '');
  const w = workloadDef(arg('--workload') ?? '');
  const quick = process.argv.includes('--quick');
  const repsArg = arg('--reps');
  const maxCallArg = arg('--max-call-s');
  const log = (m: string) => process.stderr.write(`    ${p.id} ${w.id}: ${m}\n`);
  const base = { peer: p.id, workload: w.id, unit: w.unit } as const;
  if (!p.module || !p.workloads.includes(w.id)) {
    emit({ ...base, status: 'n/a', reason: `${w.id} is outside ${p.label}'s scope` });
    return;
  }
  let prepared;
  try {
    const mod = (await import(`./peers/${p.module}.js`)) as { setup: Setup };
    prepared = await mod.setup(w, p);
  } catch (e) {
    const status = e instanceof Skip ? 'skipped' : e instanceof Unsupported ? 'unsupported' : 'error';
    emit({ ...base, status, reason: e instanceof Error ? e.message : String(e) });
    return;
  }
  try {
    const timing = await measure(prepared.step, {
      train: w.train,
      quick,
      reps: repsArg ? Number(repsArg) : undefined,
      maxCallS: maxCallArg ? Number(maxCallArg) : undefined,
      log,
    });
    emit({ ...base, status: 'ok', timing, throughput: throughputOf(w, timing), detail: prepared.detail, notes: prepared.notes });
  } catch (e) {
    // A kernel the backend lacks shows up on the first call (e.g. tfjs-wasm's filter gradient).
    const msg = e instanceof Error ? e.message : String(e);
    const status = e instanceof Unsupported || /Kernel '[^']+' not registered/.test(msg) ? 'unsupported' : 'error';
    emit({ ...base, status, reason: msg.split('\n')[0], detail: prepared.detail });
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  },
);
