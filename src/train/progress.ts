/**
 * ProgressBar: Keras-style progress for fit.
 *  - TTY: one line redrawn in place (`\r`, at most every `minIntervalMs`) with a bar, step count, ETA,
 *    images/s and the running loss and metrics; the final redraw of each epoch adds the validation
 *    values and the lr and ends the line.
 *  - Not a TTY (CI logs, files, pipes): plain lines only, one each time the epoch crosses another
 *    `everyPercent` (default 25%), and one per epoch; no control characters.
 *
 * Written here rather than with cli-progress: that library's non-TTY mode prints on a timer (not per
 * N% of an epoch), it brings dependencies for a ~100-line job, and fit must also run in the browser,
 * where any object with write(string) (or console.log) is the stream.
 */
import { Callback, type BatchLogs, type Logs } from './callback.js';
import { bool, finite, options, show } from '../ops/args.js';
import { fail } from '../ops/validate.js';

export interface WritableLike {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressBarOptions {
  /** Where to write (default process.stdout; console.log where there is no process). */
  stream?: WritableLike;
  /** Redraw in place (default: stream.isTTY). */
  tty?: boolean;
  /** Non-TTY: print a line each time an epoch passes another multiple of this percentage (default 25; 0: epoch lines only). */
  everyPercent?: number;
  /** Bar width in characters (default 30). */
  width?: number;
  /** TTY: minimum time between redraws (default 100 ms). */
  minIntervalMs?: number;
  /** Only one line per epoch (fit's verbose: 2). */
  epochsOnly?: boolean;
  /** Clock in ms (tests pass a fake one). */
  now?: () => number;
}

function defaultStream(): WritableLike {
  const proc = (globalThis as { process?: { stdout?: WritableLike } }).process;
  if (proc?.stdout && typeof proc.stdout.write === 'function') return proc.stdout;
  let pending = '';
  return {
    write(s: string) {
      pending += s.replace(/\r/g, '');
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const l of lines) console.log(l);
    },
  };
}

/** 0.43215 -> '0.4321'; tiny or huge values in exponent form. */
export function formatValue(v: number): string {
  if (typeof v !== 'number') fail('formatValue', `v must be a number, got ${show(v)}`);
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(2);
  return v.toFixed(4);
}

export function formatDuration(seconds: number): string {
  if (typeof seconds !== 'number') fail('formatDuration', `seconds must be a number, got ${show(seconds)}`);
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 10) return `${seconds.toFixed(1)}s`;
  if (seconds < 60) return `${Math.round(seconds)}s`;
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds - m * 60);
  if (m < 60) return `${m}m${String(s).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

const SKIP = new Set(['size', 'batchLoss', 'lr']);

function formatLogs(logs: Logs, keys?: string[]): string {
  return (keys ?? Object.keys(logs).filter((k) => !SKIP.has(k)))
    .filter((k) => typeof logs[k] === 'number')
    .map((k) => `${k}: ${formatValue(logs[k])}`)
    .join(' - ');
}

export class ProgressBar extends Callback {
  readonly stream: WritableLike;
  readonly tty: boolean;
  readonly everyPercent: number;
  readonly width: number;
  readonly minIntervalMs: number;
  readonly epochsOnly: boolean;
  private readonly now: () => number;
  private epochStart = 0;
  private lastDraw = -Infinity;
  private seen = 0;
  private steps: number | null = null;
  private nextPercent = 0;
  private lastLine = 0;
  private epochLabel = '';

  constructor(opts: ProgressBarOptions = {}) {
    super();
    const name = 'ProgressBar';
    const o = options<ProgressBarOptions>(name, opts, ['stream', 'tty', 'everyPercent', 'width', 'minIntervalMs', 'epochsOnly', 'now']);
    if (o.stream !== undefined && (o.stream === null || typeof o.stream.write !== 'function')) fail(name, `stream must have a write(string) method, got ${show(o.stream)}`);
    if (o.now !== undefined && typeof o.now !== 'function') fail(name, `now must be a function returning ms, got ${show(o.now)}`);
    this.stream = o.stream ?? defaultStream();
    this.tty = o.tty === undefined ? this.stream.isTTY === true : bool(name, 'tty', o.tty);
    this.everyPercent = finite(name, 'everyPercent', o.everyPercent ?? 25, { min: 0, max: 100 });
    this.width = finite(name, 'width', o.width ?? 30, { min: 1 });
    this.minIntervalMs = finite(name, 'minIntervalMs', o.minIntervalMs ?? 100, { min: 0 });
    this.epochsOnly = bool(name, 'epochsOnly', o.epochsOnly ?? false);
    this.now = o.now ?? (() => (typeof performance !== 'undefined' ? performance.now() : Date.now()));
  }

  override onEpochBegin(epoch: number): void {
    this.epochStart = this.now();
    this.lastDraw = -Infinity;
    this.seen = 0;
    this.steps = this.context?.stepsPerEpoch ?? null;
    this.nextPercent = this.everyPercent;
    this.epochLabel = `Epoch ${epoch + 1}/${this.context?.epochs ?? '?'}`;
  }

  override onBatchEnd(batch: number, logs: BatchLogs): void {
    this.seen += logs.size;
    if (this.epochsOnly) return;
    const done = batch + 1;
    const elapsed = (this.now() - this.epochStart) / 1000;
    if (this.tty) {
      const t = this.now();
      if (t - this.lastDraw < this.minIntervalMs && done !== this.steps) return;
      this.lastDraw = t;
      const eta = this.steps ? (elapsed / done) * (this.steps - done) : NaN;
      this.redraw(`${this.bar(done)} ${this.steps ? `ETA ${formatDuration(eta)} ` : ''}${this.rate(elapsed)} ${formatLogs(logs)}`);
      return;
    }
    if (!this.steps || this.everyPercent === 0) return;
    const pct = (100 * done) / this.steps;
    if (pct < this.nextPercent || done === this.steps) return;
    while (this.nextPercent <= pct) this.nextPercent += this.everyPercent;
    const eta = (elapsed / done) * (this.steps - done);
    this.stream.write(`${this.epochLabel} ${Math.floor(pct)}% ${done}/${this.steps} - ETA ${formatDuration(eta)} - ${this.rate(elapsed)} - ${formatLogs(logs)}\n`);
  }

  override onEpochEnd(_epoch: number, logs: Logs): void {
    const elapsed = (this.now() - this.epochStart) / 1000;
    const keys = Object.keys(logs).filter((k) => k !== 'lr');
    const tail = `${formatDuration(elapsed)} - ${this.rate(elapsed)} - ${formatLogs(logs, keys)}${typeof logs.lr === 'number' ? ` - lr: ${formatValue(logs.lr)}` : ''}`;
    if (this.tty && !this.epochsOnly) {
      const done = this.steps ?? 0;
      this.redraw(`${this.bar(done)} ${tail}`);
      this.stream.write('\n');
      this.lastLine = 0;
    } else {
      this.stream.write(`${this.epochLabel} - ${tail}\n`);
    }
  }

  private rate(elapsed: number): string {
    return elapsed > 0 ? `${Math.round(this.seen / elapsed)} img/s` : '- img/s';
  }

  private bar(done: number): string {
    if (!this.steps) return `${this.epochLabel} ${done}`;
    const filled = Math.min(this.width, Math.floor((this.width * done) / this.steps));
    const head = filled < this.width ? '>' : '';
    const body = '='.repeat(filled) + head + '.'.repeat(Math.max(0, this.width - filled - head.length));
    return `${this.epochLabel} [${body}] ${String(done).padStart(String(this.steps).length)}/${this.steps}`;
  }

  /** Rewrites the current line: carriage return, text, and spaces over what is left of a longer previous line. */
  private redraw(text: string): void {
    const cols = this.stream.columns;
    const line = cols && text.length >= cols ? text.slice(0, cols - 1) : text;
    this.stream.write(`\r${line}${' '.repeat(Math.max(0, this.lastLine - line.length))}`);
    this.lastLine = line.length;
  }
}
