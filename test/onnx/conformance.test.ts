/** ONNX's backend tests (Debian libonnx-testdata): every in-scope case must pass (docs/ONNX.md lists them all). */
import { describe, expect, it } from 'vitest';
import { listCases, runCase } from './conformance-lib.js';

describe('ONNX conformance (libonnx-testdata)', () => {
  it('passes every in-scope test', () => {
    const results = listCases().map((c) => runCase(c.suite, c.name));
    const fails = results.filter((r) => r.status === 'fail');
    const passes = results.filter((r) => r.status === 'pass').length;
    expect(passes).toBeGreaterThan(400);
    expect(fails.map((r) => `${r.suite}/${r.name}: ${r.reason}`)).toEqual(KNOWN_FAILS);
  }, 300_000);
});

/** In-scope failures listed explicitly so a new one fails the test (see docs/ONNX.md). */
const KNOWN_FAILS: string[] = [];
