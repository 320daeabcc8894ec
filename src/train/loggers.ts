/**
 * CSVLogger and JSONLogger: one record per epoch (epoch number, loss, metrics, validation values, lr),
 * the whole file rewritten atomically after every epoch so a reader never sees a torn line.
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic, writeJsonAtomic } from '../io/atomic.js';
import { Callback, type Logs } from './callback.js';

/** Keras's CSVLogger: a header `epoch,loss,accuracy,...` then one row per epoch (0-based epoch, as Keras). With append, rows go after an existing file's. */
export class CSVLogger extends Callback {
  readonly path: string;
  readonly separator: string;
  readonly append: boolean;
  private lines: string[] = [];
  private keys: string[] | null = null;

  constructor(path: string, { separator = ',', append = false }: { separator?: string; append?: boolean } = {}) {
    super();
    if (typeof path !== 'string' || !path) throw new Error('CSVLogger: path is required');
    this.path = path;
    this.separator = separator;
    this.append = append;
  }

  override onTrainBegin(): void {
    this.lines = [];
    this.keys = null;
    if (this.append && existsSync(this.path)) {
      this.lines = readFileSync(this.path, 'utf8').split('\n').filter((l) => l.length > 0);
      if (this.lines.length) this.keys = this.lines[0].split(this.separator).slice(1);
      // A run killed after logging an epoch but before its checkpoint resumes before that epoch: drop
      // the rows it will log again, so no epoch appears twice.
      const from = this.context?.initialEpoch ?? Infinity;
      this.lines = this.lines.filter((l, i) => i === 0 || !(Number(l.split(this.separator)[0]) >= from));
    }
  }

  override onEpochEnd(epoch: number, logs: Logs): void {
    if (!this.keys) {
      this.keys = Object.keys(logs);
      this.lines.push(['epoch', ...this.keys].join(this.separator));
    }
    this.lines.push([String(epoch), ...this.keys.map((k) => (typeof logs[k] === 'number' ? String(logs[k]) : ''))].join(this.separator));
    writeFileAtomic(this.path, `${this.lines.join('\n')}\n`);
  }
}

export interface JSONLogRecord extends Logs {
  epoch: number;
  /** Seconds the epoch took (training + validation). */
  seconds: number;
}

/** Writes `{ started, finished, epochs: [{ epoch, loss, accuracy, ..., seconds }] }` to `path`. */
export class JSONLogger extends Callback {
  readonly path: string;
  readonly append: boolean;
  private doc: { started: string; finished: string | null; epochs: JSONLogRecord[] } = { started: '', finished: null, epochs: [] };
  private epochStart = 0;

  constructor(path: string, { append = false }: { append?: boolean } = {}) {
    super();
    if (typeof path !== 'string' || !path) throw new Error('JSONLogger: path is required');
    this.path = path;
    this.append = append;
  }

  override onTrainBegin(): void {
    this.doc = { started: new Date().toISOString(), finished: null, epochs: [] };
    if (this.append && existsSync(this.path)) {
      try {
        const old = JSON.parse(readFileSync(this.path, 'utf8')) as { epochs?: JSONLogRecord[] };
        if (Array.isArray(old.epochs)) this.doc.epochs = old.epochs;
      } catch {
        /* unreadable: start a new log */
      }
    }
  }

  override onEpochBegin(): void {
    this.epochStart = Date.now();
  }

  override onEpochEnd(epoch: number, logs: Logs): void {
    this.doc.epochs.push({ epoch, ...logs, seconds: (Date.now() - this.epochStart) / 1000 });
    writeJsonAtomic(this.path, this.doc);
  }

  override onTrainEnd(): void {
    this.doc.finished = new Date().toISOString();
    writeJsonAtomic(this.path, this.doc);
  }
}
