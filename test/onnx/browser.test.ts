/** The ONNX core (src/io/onnx/index.ts and everything it imports) uses no Node built-ins, so browser bundles can include it. */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

const ROOT = new URL('../../src/io/onnx/index.ts', import.meta.url).pathname;
const NODE = new Set(['fs', 'path', 'os', 'url', 'crypto', 'child_process', 'module', 'worker_threads', 'util', 'stream', 'zlib']);

function walk(file: string, seen: Set<string>, bad: string[]): void {
  if (seen.has(file)) return;
  seen.add(file);
  const src = readFileSync(file, 'utf8');
  for (const m of src.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g)) {
    const spec = m[1];
    if (spec.startsWith('node:') || NODE.has(spec)) bad.push(`${file}: ${spec}`);
    else if (spec.startsWith('.')) walk(resolve(dirname(file), spec.replace(/\.js$/, '.ts')), seen, bad);
  }
}

describe('ONNX core is browser-safe', () => {
  it('imports no Node built-in, directly or through its dependencies', () => {
    const seen = new Set<string>();
    const bad: string[] = [];
    walk(ROOT, seen, bad);
    expect(seen.size).toBeGreaterThan(20);
    expect(bad).toEqual([]);
  });
});
