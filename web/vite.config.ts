/**
 * The playground (npm run playground / npm run build:web). Served with COOP/COEP so the page is
 * cross-origin isolated (SharedArrayBuffer: wasm threads); the static build also registers
 * coi-sw.js, which adds those headers where the host cannot (e.g. GitHub Pages).
 * 'neocog' is this checkout's browser entry and 'neocog/onnx' its ONNX subpath (protobufjs), from source.
 */
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  resolve: {
    alias: [
      { find: /^neocog$/, replacement: fileURLToPath(new URL('../src/browser.ts', import.meta.url)) },
      { find: /^neocog\/onnx$/, replacement: fileURLToPath(new URL('../src/io/onnx/index.ts', import.meta.url)) },
    ],
  },
  server: { headers: isolation, port: 5173 },
  preview: { headers: isolation, port: 4173 },
  // keepNames: the summary table and feature-map labels show layer class names (Conv2d, not 'H').
  worker: { format: 'es', rolldownOptions: { output: { keepNames: true } } },
  build: { target: 'es2022', outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 2000, rolldownOptions: { output: { keepNames: true } } },
});
