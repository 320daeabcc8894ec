// npm `prepare` (runs on `npm install <git url>`, `npm pack` and `npm publish`): builds dist/ so the
// package works without a separate build step. The wasm kernels are rebuilt only when missing or older
// than asm/ (AssemblyScript is slow); TypeScript always compiles. NEOCOG_SKIP_PREPARE=1 skips it all
// (CI runs `npm run build` itself right after `npm ci`).
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
if (process.env.NEOCOG_SKIP_PREPARE === '1') {
  console.log('prepare: skipped (NEOCOG_SKIP_PREPARE=1)');
  process.exit(0);
}
const run = (cmd) => execSync(cmd, { cwd: root, stdio: 'inherit' });
const asm = join(root, 'asm');
const newest = Math.max(...readdirSync(asm).map((f) => statSync(join(asm, f)).mtimeMs));
const gen = join(root, 'src', 'backends', 'wasm', 'gen');
const wasm = ['neocog-simd.wasm', 'neocog-simd-threads.wasm', 'neocog-relaxed.wasm', 'neocog-relaxed-threads.wasm'].map((f) => join(gen, f));
if (!wasm.every((f) => existsSync(f) && statSync(f).mtimeMs >= newest)) run('npm run build:wasm');
run('npx tsc -p tsconfig.build.json');
run('node tools/copy-wasm.mjs');
