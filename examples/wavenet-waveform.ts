/**
 * WaveNet-style next-step prediction on a synthetic waveform: three sines of incommensurate periods
 * plus noise, quantised to 32 levels; a small causal dilated stack (dilations 1..16, receptive field
 * 33 samples) learns p(x[t+1] | x[<= t]) with cross-entropy. Metric: next-step accuracy (exact level
 * and within one level) on a held-out stretch, against "the next level equals the current one".
 * Then it generates 300 samples from a 64-sample seed (argmax) and plots them beside the truth.
 *
 *   npx tsx examples/wavenet-waveform.ts [steps] [out.png]
 */
import { F, data, fromArray, manualSeed, models, noGrad, optim, Tensor, tidy } from 'neocog';

export const LEVELS = 32;

/** The waveform at integer times start..start+n-1, in [-1, 1]; noise from a fixed hash of t. */
export function waveform(start: number, n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const t = start + i;
    const noise = (Math.sin(t * 12.9898) * 43758.5453) % 1;
    out[i] = 0.55 * Math.sin((2 * Math.PI * t) / 50) + 0.3 * Math.sin((2 * Math.PI * t) / 13.7 + 1) + 0.1 * Math.sin((2 * Math.PI * t) / 7.3) + 0.03 * noise;
  }
  return out;
}

export const quantise = (v: number): number => Math.min(LEVELS - 1, Math.max(0, Math.round(((v + 1) / 2) * (LEVELS - 1))));
export const level = (q: number): number => (q / (LEVELS - 1)) * 2 - 1;

export function buildModel(): ReturnType<typeof models.wavenet> {
  return models.wavenet({ inChannels: 1, numClasses: LEVELS, residualChannels: 16, dilationChannels: 16, skipChannels: 32, layers: 5, stacks: 1 });
}

/** Windows of length L from the training stretch [0, 20000): inputs [B,1,L] (quantised levels) and next-level targets [B,L]. */
function batch(starts: number[], L: number): [Tensor, Tensor] {
  const x = new Float32Array(starts.length * L);
  const y = new Int32Array(starts.length * L);
  starts.forEach((s, b) => {
    const w = waveform(s, L + 1);
    for (let i = 0; i < L; i++) {
      x[b * L + i] = level(quantise(w[i]));
      y[b * L + i] = quantise(w[i + 1]);
    }
  });
  return [fromArray(x, [starts.length, 1, L]), fromArray(y, [starts.length, L])];
}

export interface WaveNetResult {
  accuracy: number;
  withinOne: number;
  baselineAccuracy: number;
  baselineWithinOne: number;
  finalLoss: number;
}

export function trainAndScore(model: ReturnType<typeof buildModel>, { steps = 400, batchSize = 16, L = 128, seed = 0 } = {}): WaveNetResult {
  manualSeed(seed);
  const opt = new optim.Adam(model.parameters(), { lr: 3e-3 });
  let rng = seed + 1;
  const next = () => ((rng = (rng * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  let finalLoss = Number.NaN;
  model.train();
  for (let s = 0; s < steps; s++) {
    const [x, y] = batch(Array.from({ length: batchSize }, () => Math.floor(next() * (20000 - L - 1))), L);
    finalLoss = tidy(() => {
      opt.zeroGrad();
      const loss = F.crossEntropy(model.call(x) as Tensor, y);
      loss.backward();
      opt.step();
      return loss.item();
    });
  }
  // Held out: t in [30000, 30000 + 4 x 256), scored after the first 33 samples of each window (full context).
  model.eval();
  let hit = 0;
  let near = 0;
  let base = 0;
  let baseNear = 0;
  let n = 0;
  for (let k = 0; k < 4; k++) {
    const [x, y] = batch([30000 + k * 256], 256);
    const pred = noGrad(() => tidy(() => (model.call(x) as Tensor).argmax(1).dataSync()));
    const yv = y.dataSync();
    const xv = x.dataSync();
    for (let i = 33; i < 256; i++) {
      const cur = quantise(xv[i]);
      hit += pred[i] === yv[i] ? 1 : 0;
      near += Math.abs(pred[i] - yv[i]) <= 1 ? 1 : 0;
      base += cur === yv[i] ? 1 : 0;
      baseNear += Math.abs(cur - yv[i]) <= 1 ? 1 : 0;
      n++;
    }
  }
  return { accuracy: hit / n, withinOne: near / n, baselineAccuracy: base / n, baselineWithinOne: baseNear / n, finalLoss };
}

/** Argmax generation: `seedLen` true samples, then `n` predicted ones fed back. */
export function generate(model: ReturnType<typeof buildModel>, start: number, seedLen: number, n: number): { truth: number[]; generated: number[] } {
  const truth = Array.from(waveform(start, seedLen + n), quantise);
  const seq = truth.slice(0, seedLen);
  model.eval();
  for (let i = 0; i < n; i++) {
    const ctx = seq.slice(-64);
    const x = fromArray(Float32Array.from(ctx, level), [1, 1, ctx.length]);
    const p = noGrad(() => tidy(() => (model.call(x) as Tensor).argmax(1).dataSync()));
    seq.push(p[ctx.length - 1]);
  }
  return { truth, generated: seq };
}

/** A line plot of two sequences of levels (truth grey, generated red after the seed) as an RGB image. */
export function plotSequences(truth: number[], generated: number[], seedLen: number, scale = 3): Tensor {
  const w = truth.length * scale;
  const h = LEVELS * 6;
  const img = new Float32Array(3 * h * w).fill(1);
  const put = (x: number, q: number, rgb: [number, number, number]) => {
    for (let dy = -1; dy <= 1; dy++) {
      const y = h - 1 - Math.round((q / (LEVELS - 1)) * (h - 4)) - 2 + dy;
      for (let c = 0; c < 3; c++) img[(c * h + y) * w + x] = rgb[c];
    }
  };
  for (let x = 0; x < w; x++) {
    const i = Math.floor(x / scale);
    if (x === seedLen * scale) for (let y = 0; y < h; y++) for (let c = 0; c < 3; c++) img[(c * h + y) * w + x] = c === 2 ? 1 : 0.6;
    put(x, truth[i], [0.55, 0.55, 0.55]);
    if (i >= seedLen) put(x, generated[i], [0.85, 0.1, 0.1]);
  }
  return fromArray(img, [3, h, w]);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const steps = Number(process.argv[2] ?? 600);
  const out = process.argv[3] ?? '.neocog/wavenet-waveform.png';
  const model = buildModel();
  const t0 = Date.now();
  const r = trainAndScore(model, { steps });
  console.log(JSON.stringify({ steps, seconds: (Date.now() - t0) / 1000, parameters: model.numParameters(), ...r }));
  const g = generate(model, 40000, 64, 300);
  data.writePng(out, plotSequences(g.truth, g.generated, 64));
  let err = 0;
  for (let i = 64; i < g.truth.length; i++) err += Math.abs(g.truth[i] - g.generated[i]);
  console.log(`generated 300 samples: mean |error| ${(err / 300).toFixed(2)} levels; plot in ${out}`);
}
