/** Running the CLI in tests: in-process through main() with string sinks, or as a process through bin/neocog.js. */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = join(ROOT, 'bin', 'neocog.js');

export interface RunResult {
  code: number;
  out: string;
  err: string;
}

function sink(): { write(s: string): boolean; text: string } {
  return {
    text: '',
    write(s: string) {
      this.text += s;
      return true;
    },
  };
}

/** `neocog ...args` in this process (no build needed). */
export async function cli(...args: string[]): Promise<RunResult> {
  const out = sink();
  const err = sink();
  const code = await main(['node', 'neocog', ...args], { stdout: out, stderr: err });
  return { code, out: out.text, err: err.text };
}

function newestMtime(dir: string): number {
  let t = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    t = Math.max(t, s.isDirectory() ? newestMtime(p) : s.mtimeMs);
  }
  return t;
}

/** Builds dist/ when it is missing or older than the CLI and model sources (the bin runs the compiled CLI). */
export function ensureBuilt(): void {
  const entry = join(ROOT, 'dist', 'cli', 'main.js');
  const newest = Math.max(newestMtime(join(ROOT, 'src', 'cli')), newestMtime(join(ROOT, 'src', 'models')));
  if (existsSync(entry) && statSync(entry).mtimeMs >= newest) return;
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'pipe' });
}

/** `node bin/neocog.js ...args` as a child process. */
export function spawnCli(args: string[], opts: { cwd?: string } = {}): RunResult {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? ROOT, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

export function tempDir(prefix = 'neocog-cli-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** One error line on stderr, no stack trace. */
export function isOneLineError(err: string): boolean {
  const lines = err.split('\n').filter((l) => l.length > 0);
  return lines.length === 1 && lines[0].startsWith('error: ') && !/\n\s+at /.test(err);
}
