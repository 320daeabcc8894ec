/** Builds dist/ (the package as users get it) when it is missing or older than src/, so pages can import 'neocog'. */
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function newest(dir: string): number {
  return Math.max(0, ...readdirSync(dir, { withFileTypes: true }).map((e) => (e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs)));
}

export default function setup(): void {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const outputs = ['browser.js', 'wasm-inline.js'].map((f) => join(root, 'dist', f));
  const built = Math.min(...outputs.map((f) => (existsSync(f) ? statSync(f).mtimeMs : 0)));
  if (built >= newest(join(root, 'src'))) return;
  execSync('node tools/prepare.mjs', { cwd: root, stdio: 'inherit' });
}
