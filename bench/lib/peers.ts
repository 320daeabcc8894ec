/** The peers: which child runs them, with which settings, and which workloads are in their scope. */
import type { WorkloadId } from './workloads.js';

export interface PeerDef {
  id: string;
  /** Column header. */
  label: string;
  /** 'ts': bench/child.ts imports bench/peers/<module>.ts; 'python': bench/peers/torch_bench.py. */
  lang: 'ts' | 'python';
  module?: 'neocog' | 'tfjs' | 'convnetjs' | 'ort';
  /** Backend name inside the framework (neocog: 'reference' | 'wasm'; tfjs: 'cpu' | 'wasm'). */
  backend?: string;
  threads?: number;
  /** Workloads in the peer's scope (others are reported n/a without running). */
  workloads: readonly WorkloadId[];
}

const CNN: WorkloadId[] = ['W1a', 'W1b', 'W2a', 'W2b', 'W3a', 'W3b', 'W4'];
/** Natural-code variants: neocog's own question (tidy or not); the other peers are compared on W1a / W2a. */
const NATURAL: WorkloadId[] = ['W1a-natural', 'W2a-natural'];
const W5: WorkloadId[] = ['W5a', 'W5b'];

export const PEERS: readonly PeerDef[] = [
  { id: 'neocog-wasm-2t', label: 'neocog wasm 2T', lang: 'ts', module: 'neocog', backend: 'wasm', threads: 2, workloads: [...CNN, ...NATURAL, ...W5, 'sgemm'] },
  { id: 'neocog-wasm-1t', label: 'neocog wasm 1T', lang: 'ts', module: 'neocog', backend: 'wasm', threads: 1, workloads: [...CNN, ...NATURAL, ...W5, 'sgemm'] },
  { id: 'neocog-ref', label: 'neocog reference', lang: 'ts', module: 'neocog', backend: 'reference', workloads: [...CNN, ...NATURAL, ...W5, 'sgemm'] },
  { id: 'torch', label: 'PyTorch 2T', lang: 'python', threads: 2, workloads: [...CNN, ...W5, 'sgemm', 'sgemm1t'] },
  { id: 'ort', label: 'ORT-node 2T', lang: 'ts', module: 'ort', threads: 2, workloads: ['W1b', 'W2b', 'W3a', 'W4', ...W5] },
  { id: 'tfjs-wasm', label: 'TF.js wasm', lang: 'ts', module: 'tfjs', backend: 'wasm', workloads: [...CNN, ...W5, 'sgemm'] },
  { id: 'tfjs-cpu', label: 'TF.js cpu', lang: 'ts', module: 'tfjs', backend: 'cpu', workloads: [...CNN, ...W5, 'sgemm'] },
  { id: 'convnetjs', label: 'ConvNetJS', lang: 'ts', module: 'convnetjs', workloads: ['W1a', 'W1b', 'W2a', 'W2b', 'W3a', 'W3b', 'W5b'] },
];

export function peer(id: string): PeerDef {
  const p = PEERS.find((x) => x.id === id);
  if (!p) throw new Error(`unknown peer '${id}' (known: ${PEERS.map((x) => x.id).join(', ')})`);
  return p;
}

/** The peer the ratios are taken against, and the second one. */
export const BASELINE = 'torch';
export const BASELINE2 = 'tfjs-wasm';
