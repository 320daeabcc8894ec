/**
 * LRSchedulerCallback: steps an epoch-level scheduler after every epoch. ReduceLROnPlateau gets the
 * monitored value (default valLoss with validation, else loss); other schedulers step without one.
 */
import { ReduceLROnPlateau } from '../optim/plateau.js';
import { Callback, type AnyScheduler, type Logs } from './callback.js';
import { defaultMonitor, readMonitor } from './monitor.js';

export class LRSchedulerCallback extends Callback {
  readonly scheduler: AnyScheduler;
  readonly monitor: string | undefined;

  constructor(scheduler: AnyScheduler, { monitor }: { monitor?: string } = {}) {
    super();
    if (!scheduler || typeof (scheduler as { step?: unknown }).step !== 'function') throw new Error('LRSchedulerCallback: expected an LR scheduler (StepLR, ReduceLROnPlateau, ...)');
    this.scheduler = scheduler;
    this.monitor = monitor;
  }

  override onEpochEnd(_epoch: number, logs: Logs): void {
    if (this.scheduler instanceof ReduceLROnPlateau) {
      const monitor = this.monitor ?? defaultMonitor(this.context?.hasValidation ?? false);
      this.scheduler.step(readMonitor('LRSchedulerCallback', monitor, logs));
    } else {
      this.scheduler.step();
    }
  }
}
