/** The browser layer's pure parts, in Node: pixels <-> tensors (vs Pillow + torchvision), model bytes, wasm paths. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromArray, manualSeed, nn, randn } from '../../src/index.js';
import { fromPixels, toImageData } from '../../src/browser/pixels.js';
import { loadModelBytes, modelToBytes } from '../../src/browser/model-bytes.js';
import { setWasmPaths, wasmUrl } from '../../src/backends/wasm/loader.js';
import { ready } from '../../src/backends/ready.js';

const fx = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'pixels.json'), 'utf8')) as {
  width: number; height: number; rgba: number[]; L: number[]; RGB: number[]; RGBA: number[];
};
const img = { data: Uint8ClampedArray.from(fx.rgba), width: fx.width, height: fx.height };

describe('fromPixels', () => {
  it('matches Pillow convert(L/RGB) + torchvision to_tensor exactly', () => {
    for (const [channels, want] of [[1, fx.L], [3, fx.RGB], [4, fx.RGBA]] as const) {
      const t = fromPixels(img, { channels });
      expect(t.shape).toEqual([channels, fx.height, fx.width]);
      expect(Array.from(t.dataSync())).toEqual(Array.from(Float32Array.from(want)));
    }
  });

  it('rejects what it cannot use, saying why', () => {
    expect(() => fromPixels(img, { channels: 2 as 1 })).toThrow(/channels must be 1, 3 or 4, got 2/);
    expect(() => fromPixels(img, { chanels: 1 } as never)).toThrow(/unknown option 'chanels'/);
    expect(() => fromPixels(null as never)).toThrow(/expected ImageData.*got null/);
    expect(() => fromPixels({ data: new Uint8ClampedArray(7), width: 2, height: 1 })).toThrow(/7 bytes do not hold 2x1 RGBA pixels/);
    expect(() => fromPixels({ width: 3, height: 3 } as never)).toThrow(/no canvas|no pixels/);
  });
});

describe('toImageData', () => {
  it('round-trips byte-valued images through fromPixels, grey and colour', () => {
    const rgb = fromPixels(img, { channels: 3 });
    expect(Array.from(fromPixels(toImageData(rgb), { channels: 3 }).dataSync())).toEqual(Array.from(rgb.dataSync()));
    const grey = fromPixels(img, { channels: 1 });
    const back = toImageData(grey.reshape([fx.height, fx.width]));
    expect(Array.from(fromPixels(back, { channels: 1 }).dataSync())).toEqual(Array.from(grey.dataSync()));
    for (let i = 0; i < fx.width * fx.height; i++) expect(back.data[4 * i + 3]).toBe(255);
  });

  it('maps [min, max] to [0, 255] and clamps', () => {
    const d = toImageData(fromArray(new Float32Array([-2, 0, 2, 9]), [1, 2, 2]), { min: -2, max: 2 }).data;
    expect([d[0], d[4], d[8], d[12]]).toEqual([0, 128, 255, 255]);
    expect(() => toImageData(fromArray(new Float32Array(4), [2, 1, 2]))).toThrow(/C 1, 3 or 4.*got \[2,1,2\]/);
    expect(() => toImageData(fromArray(new Float32Array(4), [1, 2, 2]), { min: 1, max: 1 })).toThrow(/min < max/);
  });
});

describe('model bytes', () => {
  it('round-trips a model through safetensors bytes with PyTorch names', () => {
    manualSeed(3);
    const make = () => new nn.Sequential(new nn.Conv2d(1, 2, 3), new nn.BatchNorm2d(2), new nn.Flatten(), new nn.Linear(8, 3));
    const a = make();
    const bytes = modelToBytes(a, { metadata: { note: 'x' } });
    const b = make();
    loadModelBytes(b, bytes);
    const x = randn([1, 1, 4, 4]);
    a.eval();
    b.eval();
    expect(Array.from(b.forward(x).dataSync())).toEqual(Array.from(a.forward(x).dataSync()));
    expect(() => loadModelBytes(new nn.Linear(2, 2), bytes)).toThrow(/weight|unexpected|missing/i);
    expect(() => loadModelBytes(b, 'nope' as never)).toThrow(/expected a Uint8Array/);
    expect(() => modelToBytes({} as never)).toThrow(/expected an nn.Module/);
  });
});

describe('wasm paths', () => {
  it('resolves a folder or per-file URLs, and rejects other values', () => {
    try {
      setWasmPaths('https://cdn.example/neocog/');
      expect(wasmUrl('threads').href).toBe('https://cdn.example/neocog/neocog-simd-threads.wasm');
      setWasmPaths('https://cdn.example/x');
      expect(wasmUrl('single').href).toBe('https://cdn.example/x/neocog-simd.wasm');
      setWasmPaths({ 'neocog-simd.wasm': 'https://a.example/k.wasm' });
      expect(wasmUrl('single').href).toBe('https://a.example/k.wasm');
      expect(wasmUrl('threads').href).toMatch(/gen\/neocog-simd-threads\.wasm$/);
      expect(() => setWasmPaths({ 'neocog.wasm': 'x' } as never)).toThrow(/unknown file 'neocog.wasm'/);
      expect(() => setWasmPaths(42 as never)).toThrow(/expected a folder URL/);
    } finally {
      setWasmPaths(null);
    }
    expect(wasmUrl('single').href).toMatch(/gen\/neocog-simd\.wasm$/);
  });

  it('ready() resolves to the backend description and rejects unknown options', async () => {
    expect(await ready()).toMatch(/^(wasm|reference)/);
    await expect(ready({ wasmPath: 'x' } as never)).rejects.toThrow(/unknown option 'wasmPath'/);
  });
});
