/** Builds dist/ (the package as users get it) when it is missing, so the pages can import 'neocog'. */
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  if (existsSync(join(root, 'dist', 'browser.js')) && existsSync(join(root, 'dist', 'wasm-inline.js'))) return;
  execSync('node tools/prepare.mjs', { cwd: root, stdio: 'inherit' });
}
