#!/usr/bin/env node
// The `neocog` command: runs the compiled CLI in dist/ (build it with `npm run build`).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('error: dist/cli/main.js not found; build neocog first with `npm run build`\n');
  process.exit(1);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv);
