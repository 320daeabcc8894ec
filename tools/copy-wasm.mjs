// Copies the kernels built by `npm run build:wasm` next to the compiled wasm backend in dist/,
// where src/backends/wasm/loader.ts looks for them (./gen/ beside the module).
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const from = join(root, 'src', 'backends', 'wasm', 'gen');
const to = join(root, 'dist', 'backends', 'wasm', 'gen');
const files = readdirSync(from).filter((f) => f.endsWith('.wasm'));
if (files.length === 0) throw new Error(`copy-wasm: no .wasm in ${from} (run npm run build:wasm)`);
mkdirSync(to, { recursive: true });
for (const f of files) copyFileSync(join(from, f), join(to, f));
console.log(`copy-wasm: ${files.join(', ')} -> dist/backends/wasm/gen/`);
