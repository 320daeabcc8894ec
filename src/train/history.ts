/** History: the per-epoch logs of a fit run (fit returns it), as in Keras. */
import { Callback, type Logs } from './callback.js';

export class History extends Callback {
  /** One array per log key, one value per epoch: loss, accuracy, valLoss, valAccuracy, lr, ... */
  history: Record<string, number[]> = {};
  /** The (0-based) epoch index of each entry. */
  epoch: number[] = [];

  override onTrainBegin(): void {
    this.epoch = [];
    this.history = { loss: [] };
    for (const m of this.context?.metrics ?? []) this.history[m] = [];
    this.history.valLoss = [];
    for (const m of this.context?.metrics ?? []) this.history[valKey(m)] = [];
    this.history.lr = [];
  }

  override onEpochEnd(epoch: number, logs: Logs): void {
    this.epoch.push(epoch);
    for (const [k, v] of Object.entries(logs)) (this.history[k] ??= []).push(v);
  }

  /** The last value of a log key (undefined before the first epoch). */
  last(key: string): number | undefined {
    const h = this.history[key];
    return h && h.length ? h[h.length - 1] : undefined;
  }

  toJSON(): { epoch: number[]; history: Record<string, number[]> } {
    return { epoch: [...this.epoch], history: Object.fromEntries(Object.entries(this.history).map(([k, v]) => [k, [...v]])) };
  }
}

/** 'accuracy' -> 'valAccuracy', 'loss' -> 'valLoss'. */
export function valKey(name: string): string {
  return `val${name[0].toUpperCase()}${name.slice(1)}`;
}
