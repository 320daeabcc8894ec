/** CLI cases of issue 11 that need a real process or the training entry. */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('neocog CLI', () => {
  it('`neocog help train | head -1` ends quietly (no unhandled EPIPE)', () => {
    const run = `import('./src/cli/main.ts').then(async (m) => { process.exitCode = await m.main(['node', 'neocog', 'help', 'train']); })`;
    // A slow reader that closes after one line, several times: the crash was intermittent.
    for (let i = 0; i < 3; i++) {
      const r = spawnSync('bash', ['-c', `set -o pipefail; node --import tsx -e "${run}" 2>err.txt | head -c 10 >/dev/null; echo "rc=$?"; cat err.txt; rm -f err.txt`], { cwd: root, encoding: 'utf8' });
      expect(r.stdout).not.toMatch(/EPIPE|Unhandled 'error' event/);
    }
  });
});
