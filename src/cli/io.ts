/** Where commands write: process.stdout / stderr by default, string sinks in tests. */
import type { WritableLike } from '../train/index.js';

export interface CliIO {
  stdout: WritableLike;
  stderr: WritableLike;
}

let pipeGuard = false;

/**
 * process.stdout / stderr, with EPIPE (the reader went away: `neocog help | head -1`) ending the
 * process quietly as other Unix tools do, instead of an unhandled 'error' event and a stack trace.
 */
export const processIO = (): CliIO => {
  if (!pipeGuard) {
    pipeGuard = true;
    for (const stream of [process.stdout, process.stderr]) {
      stream.on('error', (e: NodeJS.ErrnoException) => {
        if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
        throw e;
      });
    }
  }
  return { stdout: process.stdout, stderr: process.stderr };
};

export const println = (io: CliIO, text = ''): void => void io.stdout.write(`${text}\n`);
