import { readFileSync } from 'node:fs';
import { expect, test, vi } from 'vitest';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const example = (name: string) => readFileSync(new URL(`../../examples/${name}`, import.meta.url), 'utf8');

test.each(['conv-backward.ts', 'train-mnist.ts'])('README shows examples/%s verbatim', (name) => {
  expect(readme).toContain(example(name));
});

test('the conv forward + backward example runs as written', async () => {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  await import('../../examples/conv-backward.js');
  const lines = log.mock.calls.map((c) => c.join(' '));
  log.mockRestore();
  expect(lines[0]).toMatch(/^output 2,3,3,3 loss \d/);
  expect(lines.at(-1)).toBe('gradcheck true');
});

test('the training example runs as written and learns', async () => {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  await import('../../examples/train-mnist.js');
  const calls = log.mock.calls.map((c) => c.join(' '));
  [log, out, err].forEach((s) => s.mockRestore());
  expect(calls[0]).toContain('21,840');
  expect(Number(calls.at(-1))).toBeGreaterThan(0.9);
});
