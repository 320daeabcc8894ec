/** Where commands write: process.stdout / stderr by default, string sinks in tests. */
import type { WritableLike } from '../train/index.js';

export interface CliIO {
  stdout: WritableLike;
  stderr: WritableLike;
}

export const processIO = (): CliIO => ({ stdout: process.stdout, stderr: process.stderr });

export const println = (io: CliIO, text = ''): void => void io.stdout.write(`${text}\n`);
