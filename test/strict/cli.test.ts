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

describe('train checks the model against the data using --model-options', () => {
  it('resnet20 on MNIST: one line naming the channels and the fix; numClasses from options is honoured', async () => {
    const { cli } = await import('../cli/helpers.js');
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const out = join(mkdtempSync(join(tmpdir(), 'neocog-strict-')), 'run');
    const r = await cli('train', '--model', 'resnet20', '--dataset', 'embedded-mnist', '--epochs', '1', '--train-subset', '8', '--limit-test', '8', '--quiet', '--out', out);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/resnet20 takes 3-channel input but embedded-mnist images have 1 channel \[1,28,28\] \(hint: --model-options '\{"inChannels":1\}'\)/);
    const a = await cli('train', '--model', 'alexnet', '--model-options', '{"numClasses":10,"inChannels":1}', '--dataset', 'embedded-mnist', '--epochs', '1', '--train-subset', '8', '--limit-test', '8', '--quiet', '--out', out);
    expect(a.err).not.toMatch(/predicts 1000 classes/);
  });
});
