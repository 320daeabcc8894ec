/**
 * PyTorch interop: tools/gen_safetensors_fixture.py wrote a torch state dict as safetensors
 * (test/golden/fixtures/small_cnn.safetensors) and the logits of a fixed input
 * (test/io/fixtures/small_cnn.json). The reverse direction (neocog -> torch) is checked by hand with
 * `/usr/bin/python3 tools/gen_safetensors_fixture.py --verify <file>`; here we check that neocog's
 * bytes re-parse identically and carry the header torch's loader requires.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { nn, tensor } from '../../src/index.js';
import { loadModel, loadSafetensors, loadSafetensorsHeader, parseSafetensors, saveModel, serializeSafetensors } from '../../src/io/index.js';
import { headerOf, tempDir } from './helpers.js';

const WEIGHTS = fileURLToPath(new URL('../golden/fixtures/small_cnn.safetensors', import.meta.url));
const expected = JSON.parse(readFileSync(new URL('./fixtures/small_cnn.json', import.meta.url), 'utf8')) as {
  stateDict: Record<string, { dtype: string; shape: number[] }>;
  input: { shape: number[]; data: number[] };
  logits: { shape: number[]; data: number[] };
};
const tmp = tempDir();
afterAll(() => tmp.cleanup());

/** The same architecture as build_model() in the generator. */
function smallCnn() {
  return new nn.Sequential(
    new nn.Conv2d(1, 4, 3, { padding: 1 }), new nn.BatchNorm2d(4), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Conv2d(4, 8, 3), new nn.Flatten(), new nn.Linear(32, 3),
  );
}

describe('PyTorch safetensors fixture', () => {
  it('holds torch names, dtypes (int64 num_batches_tracked) and shapes', () => {
    const h = loadSafetensorsHeader(WEIGHTS);
    expect(Object.keys(h.tensors)).toEqual(Object.keys(expected.stateDict));
    for (const [k, e] of Object.entries(expected.stateDict)) expect({ dtype: h.tensors[k].dtype, shape: h.tensors[k].shape }).toEqual(e);
    expect(h.metadata.format).toBe('pt');
  });

  it('loads into the equivalent neocog Sequential and matches torch eval-mode logits to 1e-5', () => {
    const model = smallCnn();
    expect(loadModel(model, WEIGHTS)).toEqual({ missingKeys: [], unexpectedKeys: [] });
    const nbt = model.stateDict()['1.num_batches_tracked'];
    expect(nbt.dtype).toBe('int32');
    expect(nbt.item()).toBe(3);
    model.eval();
    const y = model.call(tensor(expected.input.data, expected.input.shape));
    expect(y.shape).toEqual(expected.logits.shape);
    const got = Array.from(y.dataSync());
    got.forEach((v, i) => expect(Math.abs(v - expected.logits.data[i])).toBeLessThan(1e-5));
  });

  it('saves back in the layout torch expects: same names and order, re-parsing identically', () => {
    const model = smallCnn();
    loadModel(model, WEIGHTS);
    const path = join(tmp.dir, 'small_cnn_neocog.safetensors');
    saveModel(model, path);
    const bytes = new Uint8Array(readFileSync(path));
    const { n, text, json } = headerOf(bytes);
    expect(n % 8).toBe(0);
    expect(text.slice(text.trimEnd().length)).toMatch(/^ *$/);
    const entries = Object.entries(json).filter(([k]) => k !== '__metadata__') as [string, { dtype: string; shape: number[]; data_offsets: [number, number] }][];
    expect(entries.map(([k]) => k)).toEqual(Object.keys(expected.stateDict));
    expect(entries.map(([, e]) => e.dtype)).toEqual(Object.values(expected.stateDict).map((e) => (e.dtype === 'I64' ? 'I32' : e.dtype)));
    let at = 0;
    for (const [, e] of entries) {
      expect(e.data_offsets[0]).toBe(at);
      at = e.data_offsets[1];
    }
    expect(8 + n + at).toBe(bytes.length);
    expect(json.__metadata__).toMatchObject({ format: 'pt' });
    // Re-parse and re-serialize: byte-identical; the values equal torch's.
    const parsed = parseSafetensors(bytes);
    expect(serializeSafetensors(parsed, json.__metadata__ as Record<string, string>)).toEqual(bytes);
    const torch = loadSafetensors(WEIGHTS);
    for (const [k, t] of Object.entries(torch)) expect(Array.from(parsed[k].dataSync())).toEqual(Array.from(t.dataSync()));
  });
});
