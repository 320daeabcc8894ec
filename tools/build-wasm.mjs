// Builds the wasm kernels (asm/ -> src/backends/wasm/gen/) in four variants: strict SIMD or relaxed SIMD
// (fused multiply-add), each on plain memory or on shared memory for worker threads. Two compilers at once.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';

const common = ['asm/index.ts', '--runtime', 'stub', '--importMemory', '--enable', 'simd', '-O3', '--noAssert'];
const threads = ['--enable', 'threads', '--sharedMemory', '--maximumMemory', '32768'];
const relaxed = ['--enable', 'relaxed-simd'];
const builds = {
  'neocog-simd.wasm': [],
  'neocog-simd-threads.wasm': threads,
  'neocog-relaxed.wasm': relaxed,
  'neocog-relaxed-threads.wasm': [...relaxed, ...threads],
};
mkdirSync('src/backends/wasm/gen', { recursive: true });

const asc = (file, extra) => new Promise((resolve, reject) => {
  const p = spawn(process.execPath, ['node_modules/assemblyscript/bin/asc.js', ...common, ...extra, '-o', `src/backends/wasm/gen/${file}`], { stdio: 'inherit' });
  p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`asc failed for ${file} (exit ${code})`))));
});

const queue = Object.entries(builds);
const worker = async () => { for (let b; (b = queue.shift());) await asc(...b); };
await Promise.all([worker(), worker()]);
