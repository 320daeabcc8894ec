/** Which peers and workloads a run covers: --only (peer and/or workload ids) and --workloads. */
import { PEERS } from './peers.js';
import { WORKLOADS } from './workloads.js';

/** `token` is lower case; an id matches itself and its prefixes. */
const matches = (id: string, token: string) => id.toLowerCase().startsWith(token);

/**
 * --only takes peer and workload ids together: each token goes to whichever list it names (peer and workload
 * ids never share a prefix). Workload tokens are added to --workloads.
 */
export function splitOnly(only: string[] | null, workloads: string[] | null): { peers: string[] | null; workloads: string[] | null } {
  if (!only) return { peers: null, workloads };
  const peers: string[] = [];
  const ws: string[] = [...(workloads ?? [])];
  for (const t of only) {
    const low = t.toLowerCase();
    if (PEERS.some((p) => matches(p.id, low))) peers.push(t);
    else if (WORKLOADS.some((w) => matches(w.id, low))) ws.push(t);
    else throw new Error(`--only ${t}: no peer or workload matches (peers: ${PEERS.map((p) => p.id).join(', ')}; workloads: ${WORKLOADS.map((w) => w.id).join(', ')})`);
  }
  return { peers: peers.length ? peers : null, workloads: ws.length ? ws : null };
}

/** An exact id selects that one (`W1a` is not also W1a-natural); anything else is a prefix. */
export function select<T extends { id: string }>(all: readonly T[], tokens: string[] | null, what: string): T[] {
  if (!tokens) return [...all];
  const lower = tokens.map((p) => p.toLowerCase());
  const hit = (id: string, t: string) => (all.some((x) => x.id.toLowerCase() === t) ? id.toLowerCase() === t : id.toLowerCase().startsWith(t));
  const chosen = all.filter((x) => lower.some((t) => hit(x.id, t)));
  const unmatched = lower.filter((t) => !all.some((x) => matches(x.id, t)));
  if (unmatched.length) throw new Error(`no ${what} matches ${unmatched.join(', ')} (known: ${all.map((x) => x.id).join(', ')})`);
  return chosen;
}
