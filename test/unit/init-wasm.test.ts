/** initWasm in Node: the default (file: URL beside the module) is read from disk, since Node's fetch has no file: scheme. */
import { describe, expect, test } from 'vitest';
import { initWasm } from '../../src/index.js';

describe('initWasm in Node', () => {
  test('loads the kernels from the default file: URL', async () => {
    expect(await initWasm()).toBeNull();
    expect(await initWasm(undefined, 'threads')).toBeNull();
  });

  test('a missing file gives the reason, not an exception', async () => {
    const reason = await initWasm('file:///no/such/neocog-simd.wasm');
    expect(reason).toMatch(/could not load neocog-simd\.wasm from file:\/\/\/no\/such\/neocog-simd\.wasm: .*ENOENT/);
  });
});
