/**
 * vitest globalSetup: builds the wasm kernels (npm run build:wasm) when they are missing or older than
 * their AssemblyScript sources, so `npm test` works on a fresh clone (the .wasm files are not committed).
 */
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WASM_FILES } from '../../src/backends/wasm/loader.js';

export default function setup(): void {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const asm = join(root, 'asm');
  const newestSource = Math.max(...readdirSync(asm).map((f) => statSync(join(asm, f)).mtimeMs));
  const outputs = Object.values(WASM_FILES).map((f) => join(root, 'src', 'backends', 'wasm', 'gen', f));
  if (outputs.every((f) => existsSync(f) && statSync(f).mtimeMs >= newestSource)) return;
  execSync('npm run build:wasm', { cwd: root, stdio: 'inherit' });
}
