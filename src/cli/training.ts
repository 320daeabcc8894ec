/**
 * The `neocog train` job as a function: model from the registry, data from the CLI's datasets,
 * optimizer and LR schedule from names, then fit() with a progress bar, per-epoch checkpoints
 * (resumable), a CSV log and a loss/accuracy plot, and finally the model saved as safetensors + JSON.
 *
 * Output folder (--out):
 *   model.safetensors / model.json   the trained model (header metadata: registry name, options, classes)
 *   checkpoints/                     ModelCheckpoint folders; --resume <out> continues from the latest
 *   log.csv, history.png             per-epoch loss / accuracy / validation values
 *   run.json                         the configuration and the final held-out metrics
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Parameter } from '../nn/parameter.js';
import { manualSeed, Generator } from '../tensor/random.js';
import { DataLoader, Subset, type ImageArrayDataset } from '../data/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { crossEntropy } from '../ops/loss.js';
import { SGD, Adam, AdamW, RMSprop, StepLR, CosineAnnealingLR, OneCycleLR, ReduceLROnPlateau, type Optimizer, type BaseHyper } from '../optim/index.js';
import { saveModel, writeJsonAtomic } from '../io/index.js';
import {
  fit, evaluate, resumeFrom, ModelCheckpoint, ProgressBar, CSVLogger, LRSchedulerCallback, plotHistoryPng,
  type AnyScheduler, type CallbackLike, type WritableLike,
} from '../train/index.js';
import * as models from '../models/index.js';
import { classNames, loadSplit, type AugmentName, type DatasetName } from './datasets.js';
import { CliError } from './errors.js';
import { resolveModel } from './model-ref.js';
import { trainedMetadata } from './weights.js';

export const OPTIMIZERS = ['sgd', 'adam', 'adamw', 'rmsprop'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];
export const SCHEDULES = ['none', 'step', 'cosine', 'onecycle', 'plateau'] as const;
export type ScheduleName = (typeof SCHEDULES)[number];

/** The lr each optimizer gets when --lr is not given. */
export const DEFAULT_LR: Record<OptimizerName, number> = { sgd: 0.05, adam: 1e-3, adamw: 1e-3, rmsprop: 1e-3 };

export interface OptimizerConfig {
  optimizer: OptimizerName;
  lr?: number;
  /** SGD and RMSprop momentum (default 0.9). */
  momentum?: number;
  weightDecay?: number;
}

export function buildOptimizer(params: Parameter[], { optimizer, lr, momentum = 0.9, weightDecay = 0 }: OptimizerConfig): Optimizer<BaseHyper> {
  const rate = lr ?? DEFAULT_LR[optimizer];
  switch (optimizer) {
    case 'sgd':
      return new SGD(params, { lr: rate, momentum, weightDecay });
    case 'adam':
      return new Adam(params, { lr: rate, weightDecay });
    case 'adamw':
      return new AdamW(params, { lr: rate, weightDecay: weightDecay || 0.01 });
    case 'rmsprop':
      return new RMSprop(params, { lr: rate, momentum, weightDecay });
    default:
      throw new CliError(`unknown optimizer '${optimizer as string}' (expected one of ${OPTIMIZERS.join(', ')})`);
  }
}

/** Steps its scheduler after every batch instead of every epoch (cosine and one-cycle schedules). */
export class BatchLRSchedulerCallback extends LRSchedulerCallback {
  override onEpochEnd(): void {}

  override onBatchEnd(): void {
    (this.scheduler as { step(): void }).step();
  }
}

/**
 * The LR schedule by name, as a callback fit knows (an LRSchedulerCallback, so checkpoints save its state):
 *   step      lr x 0.1 after each third of the epochs (per epoch)
 *   cosine    cosine annealing to 0 over all steps (per batch)
 *   onecycle  1cycle up to --lr then far below it (per batch; cycles SGD momentum / Adam beta1)
 *   plateau   lr x 0.5 when the held-out loss stops improving for an epoch
 */
export function buildSchedule(name: ScheduleName, optimizer: Optimizer<BaseHyper>, { epochs, stepsPerEpoch }: { epochs: number; stepsPerEpoch: number }): LRSchedulerCallback | null {
  const totalSteps = Math.max(1, epochs * stepsPerEpoch);
  switch (name) {
    case 'none':
      return null;
    case 'step':
      return new LRSchedulerCallback(new StepLR(optimizer, { stepSize: Math.max(1, Math.round(epochs / 3)), gamma: 0.1 }));
    case 'cosine':
      return new BatchLRSchedulerCallback(new CosineAnnealingLR(optimizer, { tMax: totalSteps }));
    case 'onecycle': {
      const d = optimizer.defaults as unknown as Record<string, unknown>;
      const cycleMomentum = 'betas' in d || (typeof d.momentum === 'number' && d.momentum > 0);
      return new BatchLRSchedulerCallback(new OneCycleLR(optimizer, { maxLr: optimizer.paramGroups[0].lr, totalSteps, cycleMomentum }));
    }
    case 'plateau':
      return new LRSchedulerCallback(new ReduceLROnPlateau(optimizer, { mode: 'min', factor: 0.5, patience: 1 }));
    default:
      throw new CliError(`unknown schedule '${name as string}' (expected one of ${SCHEDULES.join(', ')})`);
  }
}

export interface TrainConfig extends OptimizerConfig {
  model: string;
  modelOptions?: models.ModelOptions;
  dataset: DatasetName;
  dataDir?: string;
  epochs: number;
  batchSize: number;
  schedule: ScheduleName;
  augment?: AugmentName | null;
  seed: number;
  out: string;
  /** A previous --out folder (or its checkpoints folder) to continue from. */
  resume?: string;
  trainSubset?: number;
  limitTest?: number;
  /** Fraction of the training images held out for per-epoch validation (default 0: none; the test set is never used to validate). */
  valSplit?: number;
  /** Cross-entropy label smoothing (default 0), as PyTorch's label_smoothing; validation loss uses it too. */
  labelSmoothing?: number;
}

export interface TrainResult {
  /** Held-out accuracy of the final model, in [0, 1]. */
  accuracy: number;
  loss: number | null;
  numTest: number;
  numTrain: number;
  epochsRun: number;
  seconds: number;
  weightsPath: string;
  descriptionPath: string;
  out: string;
}

export interface TrainIO {
  stdout: WritableLike;
  /** Progress bar redraws in place (default: stdout.isTTY). */
  tty?: boolean;
  /** 0: no progress bar; 1: progress bar (default). */
  verbose?: 0 | 1;
}

const say = (io: TrainIO, line: string) => io.stdout.write(`${line}\n`);

/** The last round(fraction x n) training images (without augmentation) become the validation set. */
export function holdOut(ds: ImageArrayDataset, fraction: number): { train: ImageArrayDataset | Subset<[Tensor, number]>; val: Subset<[Tensor, number]> | null } {
  if (!(fraction >= 0 && fraction < 1)) throw new CliError(`--val-split must be in [0, 1), got ${fraction}`);
  const k = Math.round(fraction * ds.length);
  if (k === 0) return { train: ds, val: null };
  if (k >= ds.length) throw new CliError(`--val-split ${fraction} leaves no training images`);
  const n = ds.length - k;
  return { train: new Subset(ds, Array.from({ length: n }, (_, i) => i)), val: new Subset(ds.withTransform(undefined), Array.from({ length: k }, (_, i) => n + i)) };
}

/**
 * The model's declared classes and input channels, as its options set them (numClasses, inChannels)
 * or its registry entry says, against the data — so a mismatch is one clear line before step 1.
 */
function checkModelFitsData(cfg: TrainConfig, entry: { numClasses: number; inputShape?: readonly number[] }, dataClasses: number, trainSet: { get(i: number): unknown; length: number }): void {
  const o = (cfg.modelOptions ?? {}) as { numClasses?: unknown; inChannels?: unknown };
  const numClasses = typeof o.numClasses === 'number' ? o.numClasses : entry.numClasses;
  if (numClasses !== dataClasses) {
    throw new CliError(`${cfg.model} predicts ${numClasses} classes but ${cfg.dataset} has ${dataClasses}${typeof o.numClasses === 'number' ? '' : ` (hint: --model-options '{"numClasses":${dataClasses}}')`}`);
  }
  const inChannels = typeof o.inChannels === 'number' ? o.inChannels : entry.inputShape?.[0];
  const item = trainSet.length ? trainSet.get(0) : undefined;
  const x = Array.isArray(item) ? item[0] : undefined;
  const shape = x && typeof x === 'object' && 'shape' in x ? (x as { shape: number[] }).shape : undefined;
  if (inChannels !== undefined && shape && shape.length === 3 && shape[0] !== inChannels) {
    throw new CliError(`${cfg.model} takes ${inChannels}-channel input but ${cfg.dataset} images have ${shape[0]} channel${shape[0] === 1 ? '' : 's'} [${shape.join(',')}] (hint: --model-options '{"inChannels":${shape[0]}}')`);
  }
}

export async function trainModel(cfg: TrainConfig, io: TrainIO): Promise<TrainResult> {
  const start = Date.now();
  const entry = resolveModel(cfg.model);
  manualSeed(cfg.seed);
  const model = entry.build(cfg.modelOptions);
  const shuffle = new Generator(cfg.seed);
  const fullTrain = await loadSplit(cfg, 'train', { limit: cfg.trainSubset, augment: cfg.augment });
  const testSet = await loadSplit(cfg, 'test', { limit: cfg.limitTest });
  const classes = classNames(fullTrain);
  const { train: trainSet, val: valSet } = holdOut(fullTrain, cfg.valSplit ?? 0);
  checkModelFitsData(cfg, entry, classes.length, fullTrain);
  const trainLoader = new DataLoader(trainSet, { batchSize: cfg.batchSize, shuffle: true, generator: shuffle });
  const testLoader = new DataLoader(testSet, { batchSize: 500 });
  const valLoader = valSet ? new DataLoader(valSet, { batchSize: 500 }) : undefined;
  const optimizer = buildOptimizer(model.parameters(), cfg);
  const schedule = buildSchedule(cfg.schedule, optimizer, { epochs: cfg.epochs, stepsPerEpoch: trainLoader.length });
  const scheduler: AnyScheduler | null = schedule?.scheduler ?? null;

  const ckptDir = join(cfg.out, 'checkpoints');
  let initialEpoch = 0;
  if (cfg.resume) {
    const from = cfg.resume === cfg.out || cfg.resume.replace(/\/+$/, '') === cfg.out.replace(/\/+$/, '') ? ckptDir : cfg.resume;
    // Step-count schedules (step, cosine, onecycle) are replayed rather than restored, so a resumed run
    // may extend --epochs: the schedule then follows the new plan from the step where the run stopped
    // (restoring a one-cycle planned for fewer steps would overrun it). ReduceLROnPlateau depends on the
    // losses seen, so its state is restored from the checkpoint.
    const restored = scheduler instanceof ReduceLROnPlateau ? scheduler : null;
    try {
      initialEpoch = resumeFrom(from, { model, optimizer, scheduler: restored, loader: trainLoader });
    } catch (e) {
      try {
        initialEpoch = resumeFrom(join(from, 'checkpoints'), { model, optimizer, scheduler: restored, loader: trainLoader });
      } catch {
        throw new CliError(`--resume ${cfg.resume}: ${(e as Error).message.replace(/^resumeFrom: /, '')}`);
      }
    }
    if (initialEpoch >= cfg.epochs) {
      throw new CliError(`--resume ${cfg.resume}: the run has already trained ${initialEpoch} epoch${initialEpoch === 1 ? '' : 's'} of --epochs ${cfg.epochs}; nothing to do (hint: pass --epochs ${initialEpoch + 5} to train 5 more)`);
    }
    if (schedule && !restored) {
      const done = Math.min(initialEpoch, cfg.epochs);
      const steps = schedule instanceof BatchLRSchedulerCallback ? done * trainLoader.length : done;
      for (let i = 0; i < steps; i++) (schedule.scheduler as { step(): void }).step();
    }
    say(io, `resuming ${cfg.model} from ${cfg.resume} at epoch ${initialEpoch + 1}`);
  }

  const params = model.numParameters();
  const aug = cfg.augment ? `, augment ${cfg.augment}` : '';
  say(io, `training ${cfg.model} (${params.toLocaleString('en-US')} parameters) on ${cfg.dataset}: ${trainSet.length.toLocaleString('en-US')} train${valSet ? ` / ${valSet.length.toLocaleString('en-US')} validation` : ''} / ${testSet.length.toLocaleString('en-US')} held-out images`);
  say(io, `  ${cfg.optimizer} lr ${cfg.lr ?? DEFAULT_LR[cfg.optimizer]}${cfg.optimizer === 'sgd' || cfg.optimizer === 'rmsprop' ? ` momentum ${cfg.momentum ?? 0.9}` : ''}, batch ${cfg.batchSize}, ${cfg.epochs} epoch${cfg.epochs === 1 ? '' : 's'}, schedule ${cfg.schedule}${aug}${cfg.labelSmoothing ? `, label smoothing ${cfg.labelSmoothing}` : ''}, seed ${cfg.seed}`);

  // The configuration goes to run.json first, so an interrupted run can be resumed with its settings.
  const { resume: _resume, ...config } = cfg;
  const runJson = join(cfg.out, 'run.json');
  writeJsonAtomic(runJson, { status: 'running', config, classes, numTrain: trainSet.length, numTest: testSet.length, initialEpoch });

  const callbacks: CallbackLike[] = [
    new CSVLogger(join(cfg.out, 'log.csv'), { append: initialEpoch > 0 }),
    new ModelCheckpoint({ dir: ckptDir, keep: 1 }),
  ];
  if (io.verbose !== 0) callbacks.push(new ProgressBar({ stream: io.stdout, tty: io.tty ?? io.stdout.isTTY === true }));
  if (schedule) callbacks.push(schedule);
  const smoothing = cfg.labelSmoothing ?? 0;
  const lossFn = smoothing > 0 ? (out: Tensor, y: Tensor) => crossEntropy(out, y, { labelSmoothing: smoothing }) : 'crossEntropy';
  const history = await fit(model, trainLoader, {
    epochs: cfg.epochs, optimizer, loss: lossFn, validation: valLoader, callbacks, initialEpoch, verbose: io.verbose === 0 ? 0 : 1,
  });

  // The held-out (test) result of the final model, measured once after training.
  const final = await evaluate(model, testLoader, { loss: lossFn });
  const accuracy = final.accuracy;
  const loss: number | null = final.loss;
  const epochsRun = history.epoch.length;
  // A resumed run's history starts where it stopped: the whole run's is in log.csv.
  const whole = initialEpoch > 0 ? readLogCsv(join(cfg.out, 'log.csv')) ?? history.toJSON().history : history.toJSON().history;
  if (epochsRun > 0) plotHistoryPng(whole, join(cfg.out, 'history.png'));
  const weightsPath = join(cfg.out, 'model.safetensors');
  const { description } = saveModel(model, weightsPath, {
    metadata: trainedMetadata({ model: cfg.model, modelOptions: cfg.modelOptions, classes, inputShape: [...entry.inputShape], dataset: cfg.dataset }),
  });
  const seconds = (Date.now() - start) / 1000;
  writeJsonAtomic(runJson, {
    status: 'done', config, classes, numTrain: trainSet.length, numTest: testSet.length, epochsRun, initialEpoch,
    heldOut: { accuracy, loss }, seconds, history: whole,
  });
  return { accuracy, loss, numTest: testSet.length, numTrain: trainSet.length, epochsRun, seconds, weightsPath, descriptionPath: description ?? '', out: cfg.out };
}

/** The per-epoch values CSVLogger wrote (one array per column but epoch), or null when unreadable. */
function readLogCsv(path: string): Record<string, number[]> | null {
  if (!existsSync(path)) return null;
  const [header, ...rows] = readFileSync(path, 'utf8').split('\n').filter((l) => l.length > 0);
  if (!header?.startsWith('epoch,')) return null;
  const keys = header.split(',').slice(1);
  const out: Record<string, number[]> = Object.fromEntries(keys.map((k) => [k, []]));
  for (const row of rows) {
    const cells = row.split(',').slice(1);
    keys.forEach((k, i) => out[k].push(cells[i] === undefined || cells[i] === '' ? NaN : Number(cells[i])));
  }
  return out;
}
