/**
 * Synthetic DNA for DeepBind-style tasks: uniform random sequences; a positive carries one copy of a
 * planted motif at a random position, each motif letter mutated (to one of the other three letters)
 * with probability `mutationRate`. Seeded, so a split is reproducible. One-hot layout [N, 4, L] with
 * rows A, C, G, T, as models.deepbind expects.
 */
import { Generator } from '../tensor/random.js';
import { options, show } from '../ops/args.js';

export const DNA_ALPHABET = 'ACGT';

export interface SyntheticDnaOptions {
  /** Number of sequences (default 1000). */
  n?: number;
  /** Sequence length (default 101, DeepBind's ChIP-seq length). */
  length?: number;
  /** The planted motif (default 'TGACTCAT', an AP-1-like site). */
  motif?: string;
  /** Per-letter mutation probability inside a planted motif (default 0.1). */
  mutationRate?: number;
  /** Fraction of positives (default 0.5). */
  positiveFraction?: number;
  seed?: number;
}

export interface SyntheticDna {
  sequences: string[];
  /** One-hot [n, 4, length], row-major. */
  onehot: Float32Array;
  shape: [number, number, number];
  /** 1 for a sequence that carries the motif. */
  labels: Uint8Array;
  /** Where the motif starts (-1 for negatives). */
  positions: Int32Array;
  motif: string;
}

function fail(message: string): never {
  throw new Error(`syntheticDna: ${message}`);
}

/** One-hot encodes ACGT sequences of equal length into [n, 4, L] (any other letter: 0.25 in every row, like DeepBind's N). */
export function oneHotDna(sequences: readonly string[]): Float32Array {
  if (!Array.isArray(sequences)) throw new Error(`oneHotDna: sequences must be an array of strings, got ${show(sequences)}`);
  sequences.forEach((s, i) => { if (typeof s !== 'string') throw new Error(`oneHotDna: sequence ${i} must be a string, got ${show(s)}`); });
  const len = sequences[0]?.length ?? 0;
  const out = new Float32Array(sequences.length * 4 * len);
  sequences.forEach((s, i) => {
    if (s.length !== len) throw new Error(`oneHotDna: sequence ${i} has length ${s.length}, expected ${len}`);
    for (let j = 0; j < len; j++) {
      const a = DNA_ALPHABET.indexOf(s[j].toUpperCase());
      if (a < 0) for (let r = 0; r < 4; r++) out[(i * 4 + r) * len + j] = 0.25;
      else out[(i * 4 + a) * len + j] = 1;
    }
  });
  return out;
}

export function syntheticDna(opts?: SyntheticDnaOptions): SyntheticDna {
  const { n = 1000, length = 101, motif = 'TGACTCAT', mutationRate = 0.1, positiveFraction = 0.5, seed = 0 } = options<SyntheticDnaOptions>('syntheticDna', opts, ['n', 'length', 'motif', 'mutationRate', 'positiveFraction', 'seed']);
  if (!Number.isInteger(n) || n < 1 || n > 1_000_000) fail(`n must be an integer in [1, 1e6], got ${show(n)}`);
  if (typeof motif !== 'string' || !/^[ACGT]+$/.test(motif)) fail(`motif must be a non-empty string of A, C, G, T, got ${show(motif)}`);
  if (!Number.isInteger(length) || length < motif.length || length > 100_000) fail(`length must be an integer from the motif length (${motif.length}) to 100000, got ${show(length)}`);
  if (typeof mutationRate !== 'number' || !(mutationRate >= 0 && mutationRate <= 1)) fail(`mutationRate must be in [0, 1], got ${show(mutationRate)}`);
  if (typeof positiveFraction !== 'number' || !(positiveFraction >= 0 && positiveFraction <= 1)) fail(`positiveFraction must be in [0, 1], got ${show(positiveFraction)}`);
  if (!Number.isInteger(seed)) fail(`seed must be an integer, got ${show(seed)}`);
  const g = new Generator(seed);
  const pick = (k: number) => Math.min(k - 1, Math.floor(g.random() * k));
  const sequences: string[] = [], labels = new Uint8Array(n), positions = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const s = Array.from({ length }, () => DNA_ALPHABET[pick(4)]);
    if (g.random() < positiveFraction) {
      const at = pick(length - motif.length + 1);
      for (let j = 0; j < motif.length; j++) {
        const m = motif[j];
        s[at + j] = g.random() < mutationRate ? DNA_ALPHABET.replace(m, '')[pick(3)] : m;
      }
      labels[i] = 1;
      positions[i] = at;
    }
    sequences.push(s.join(''));
  }
  return { sequences, onehot: oneHotDna(sequences), shape: [n, 4, length], labels, positions, motif };
}
