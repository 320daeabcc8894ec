/**
 * A TDNN (Waibel et al.) on a synthetic /b, d, g/-like task: 16-channel "spectrogram" frames x 15,
 * where each class is a formant transition of its own shape (b rising, d flat, g falling) starting at a
 * random frame (0-6) and frequency band, plus noise. The TDNN's shared time-delay weights and its
 * integration over time make it shift-invariant: it is trained on onsets 0-3 only and tested on
 * onsets 0-3 and, separately, on unseen onsets 4-6.
 *
 *   npx tsx examples/tdnn-transitions.ts [epochs]
 */
import { data, fit, evaluate, fromArray, manualSeed, models, optim, Generator } from 'neocog';

export const CLASSES = ['b', 'd', 'g'] as const;

/** n examples [n,16,15] with labels; onsets drawn from [onsetLo, onsetHi]. */
export function makeSet(n: number, seed: number, onsetLo: number, onsetHi: number): data.TensorDataset {
  const g = new Generator(seed);
  const x = new Float32Array(n * 16 * 15);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    y[i] = c;
    const onset = onsetLo + Math.floor(g.random() * (onsetHi - onsetLo + 1));
    const base = 4 + g.random() * 8;
    const slope = [0.9, 0, -0.9][c] * (0.8 + 0.4 * g.random());
    for (let t = 0; t < 15; t++) {
      for (let f = 0; f < 16; f++) x[(i * 16 + f) * 15 + t] = 0.15 * g.normal();
      if (t < onset || t >= onset + 8) continue;
      const centre = base + slope * (t - onset - 3.5);
      for (let f = 0; f < 16; f++) x[(i * 16 + f) * 15 + t] += Math.exp(-((f - centre) ** 2) / 2);
    }
  }
  return new data.TensorDataset(fromArray(x, [n, 16, 15]), fromArray(y, [n]));
}

export async function run(epochs = 20, { verbose = 0 }: { verbose?: 0 | 1 | 2 } = {}) {
  manualSeed(0);
  const model = models.tdnn();
  const train = new data.DataLoader(makeSet(600, 1, 0, 3), { batchSize: 32, shuffle: true, generator: new Generator(2) });
  const seen = new data.DataLoader(makeSet(300, 3, 0, 3), { batchSize: 300 });
  const unseen = new data.DataLoader(makeSet(300, 4, 4, 6), { batchSize: 300 });
  await fit(model, train, { epochs, optimizer: new optim.Adam(model.parameters(), { lr: 0.03 }), loss: 'crossEntropy', verbose });
  return { parameters: model.numParameters(), seenOnsets: (await evaluate(model, seen)).accuracy, unseenOnsets: (await evaluate(model, unseen)).accuracy };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const t0 = Date.now();
  const r = await run(Number(process.argv[2] ?? 20), { verbose: 2 });
  console.log(JSON.stringify({ ...r, seconds: (Date.now() - t0) / 1000 }));
}
