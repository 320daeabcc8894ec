/** A seeded generator (xoshiro128**) so runs are reproducible: manualSeed(n) like torch.manual_seed. */
import { integer } from '../ops/args.js';

/** Any safe integer (negative ones too, like torch.manual_seed): NaN, 1.5 or a string would silently seed 0. */
function seedOf(op: string, seed: unknown): number {
  return integer(op, 'seed', seed);
}

export class Generator {
  private s = new Uint32Array(4);
  private spareNormal: number | null = null;

  constructor(seed = 0x9e3779b9) {
    this.manualSeed(seedOf('Generator', seed));
  }

  manualSeed(seed: number): this {
    seedOf('Generator.manualSeed', seed);
    // splitmix32 spreads the seed over the 128-bit state.
    let x = seed >>> 0;
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.s[i] = (z ^ (z >>> 16)) >>> 0;
    }
    this.spareNormal = null;
    return this;
  }

  /** Serializable state, for checkpoints: the 4 state words, then the cached normal (if any). */
  getState(): number[] {
    return this.spareNormal === null ? [...this.s] : [...this.s, this.spareNormal];
  }

  setState(state: number[]): void {
    if (state.length !== 4 && state.length !== 5) throw new Error(`Generator.setState: expected 4 or 5 numbers, got ${state.length}`);
    this.s.set(state.slice(0, 4));
    this.spareNormal = state.length === 5 ? state[4] : null;
  }

  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform in [0, 1). */
  random(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Standard normal (Box–Muller, caching the second value). */
  normal(): number {
    if (this.spareNormal !== null) {
      const v = this.spareNormal;
      this.spareNormal = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.random();
    const v = this.random();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Integer in [low, high). */
  randint(low: number, high: number): number {
    return low + Math.floor(this.random() * (high - low));
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** The default generator used by rand/randn/dropout/shuffles. */
export const defaultGenerator = new Generator();

export function manualSeed(seed: number): void {
  seedOf('manualSeed', seed);
  defaultGenerator.manualSeed(seed);
}
