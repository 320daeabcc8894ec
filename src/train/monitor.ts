/** A monitored log value that must improve (shared by EarlyStopping, ModelCheckpoint and LRSchedulerCallback). */
import type { Logs } from './callback.js';
import { show } from '../ops/args.js';

export type MonitorMode = 'min' | 'max' | 'auto';

/** 'auto' means 'max' for accuracy-like names, 'min' otherwise (Keras's rule). */
export function resolveMode(monitor: string, mode: MonitorMode): 'min' | 'max' {
  if (mode === 'min' || mode === 'max') return mode;
  if (mode !== 'auto') throw new Error(`mode must be 'min', 'max' or 'auto', got ${show(mode)}`);
  return /acc|auc|precision|recall|f1|iou|dice/i.test(monitor) ? 'max' : 'min';
}

/** Whether `current` beats `best` by more than minDelta in the given direction. */
export function improves(current: number, best: number, mode: 'min' | 'max', minDelta = 0): boolean {
  if (!Number.isFinite(current)) return false;
  return mode === 'min' ? current < best - Math.abs(minDelta) : current > best + Math.abs(minDelta);
}

/** The monitored value from an epoch's logs; a missing one is an error naming what is there. */
export function readMonitor(who: string, monitor: string, logs: Logs): number {
  const v = logs[monitor];
  if (typeof v !== 'number') {
    const hint = monitor.startsWith('val') ? ' (pass `validation` to fit for val* metrics)' : '';
    throw new Error(`${who}: monitored value '${monitor}' is not in the epoch logs (have: ${Object.keys(logs).join(', ')})${hint}`);
  }
  return v;
}

/** 'valLoss' when fit has validation, else 'loss'. */
export function defaultMonitor(hasValidation: boolean): string {
  return hasValidation ? 'valLoss' : 'loss';
}
