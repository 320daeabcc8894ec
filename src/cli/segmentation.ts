/**
 * The `neocog segment train` job: whole images -> preprocessing -> random (augmented) patches -> a
 * per-pixel model from the registry trained by fit() with a segmentation loss, validated on patches
 * of held-out training images (--val-split), checkpointed every epoch (resumable, like `train`).
 *
 * Output folder (--out): model.safetensors / model.json, checkpoints/, log.csv, history.png, run.json.
 */
import { join } from 'node:path';
import { DataLoader } from '../data/index.js';
import { saveModel, writeJsonAtomic } from '../io/index.js';
import type { AnyModule } from '../nn/module.js';
import { Generator, manualSeed } from '../tensor/random.js';
import { Callback, CSVLogger, fit, ModelCheckpoint, ProgressBar, plotHistoryPng, resumeFrom, type CallbackLike } from '../train/index.js';
import * as models from '../models/index.js';
import { augmentSample, type AugmentOptions } from '../segment/augment.js';
import { borderWeightMap } from '../segment/border-weights.js';
import type { SegSample } from '../segment/sample.js';
import { diceMetric, segLoss, type SegLossName } from '../segment/losses.js';
import { PatchDataset, type PatchWhere } from '../segment/patches.js';
import { CliError } from './errors.js';
import { resolveModel } from './model-ref.js';
import { loadSegTrain, splitValidation, type SegDataConfig } from './seg-data.js';
import { buildOptimizer, buildSchedule, BatchLRSchedulerCallback, DEFAULT_LR, type OptimizerConfig, type ScheduleName, type TrainIO } from './training.js';
import { trainedMetadata } from './weights.js';

export const SEG_MODELS = ['unet', 'segnet', 'fcn8s', 'fcn16s', 'fcn32s', 'dilated-context-basic', 'dilated-context-large'] as const;
export const SEG_AUGMENT = ['none', 'flips', 'affine', 'elastic'] as const;
export type SegAugmentName = (typeof SEG_AUGMENT)[number];

export interface SegTrainConfig extends SegDataConfig, OptimizerConfig {
  model: string;
  modelOptions?: models.ModelOptions;
  patchSize: number;
  /** Training patches per epoch. */
  patches: number;
  valPatches: number;
  where?: PatchWhere;
  foreground?: number;
  augment: SegAugmentName;
  loss: SegLossName;
  posWeight?: number;
  /** U-Net border weights (w0, sigma 5 px) on the loss, for touching objects (ISBI membranes). */
  borderWeight?: number;
  epochs: number;
  batchSize: number;
  schedule: ScheduleName;
  seed: number;
  valSplit: number;
  /** Stop after the epoch that passes this many minutes of training (this session). */
  timeLimit?: number;
  out: string;
  resume?: string;
}

/** Registry options that make each model a one-logit-per-pixel net on `channels` inputs. */
export function segModelOptions(model: string, channels: number, user: models.ModelOptions = {}): models.ModelOptions {
  const base: Record<string, unknown> = { inChannels: channels, numClasses: 1 };
  if (model === 'unet') Object.assign(base, { padding: 'same', depth: 3, width: 16, batchNorm: true });
  return { ...base, ...user } as models.ModelOptions;
}

export function augmentPreset(name: SegAugmentName, seedGen: AugmentOptions['generator']): AugmentOptions | null {
  switch (name) {
    case 'none':
      return null;
    case 'flips':
      return { generator: seedGen };
    case 'affine':
      return { rotate: 15, scale: 0.1, brightness: 0.05, contrast: 0.1, generator: seedGen };
    case 'elastic':
      return { rotate: 15, scale: 0.1, elastic: { grid: 3, sigma: 4 }, brightness: 0.05, contrast: 0.1, generator: seedGen };
    default:
      throw new CliError(`unknown augmentation '${name as string}' (expected one of ${SEG_AUGMENT.join(', ')})`);
  }
}

/** Stops training after the first epoch that ends past the time limit. */
class TimeLimit extends Callback {
  private readonly start = Date.now();
  constructor(private readonly minutes: number) {
    super();
  }

  override onEpochEnd(): void {
    if ((Date.now() - this.start) / 60000 >= this.minutes) this.context.stopTraining = true;
  }
}

const say = (io: TrainIO, line: string) => io.stdout.write(`${line}\n`);

export interface SegTrainResult {
  epochsRun: number;
  seconds: number;
  weightsPath: string;
  valDice: number | undefined;
  out: string;
}

export async function trainSegmentation(cfg: SegTrainConfig, io: TrainIO): Promise<SegTrainResult> {
  const start = Date.now();
  const entry = resolveModel(cfg.model);
  manualSeed(cfg.seed);
  const all = loadSegTrain(cfg);
  const split = splitValidation(all, cfg.valSplit);
  const weigh = (s: SegSample): SegSample => ({ ...s, weight: borderWeightMap(s.mask, s.height, s.width, { w0: cfg.borderWeight }) });
  const train = cfg.borderWeight !== undefined ? split.train.map(weigh) : split.train;
  const val = cfg.borderWeight !== undefined ? split.val.map(weigh) : split.val;
  const channels = train[0].channels;
  const modelOptions = segModelOptions(entry.name, channels, cfg.modelOptions);
  let model: AnyModule;
  try {
    model = entry.build(modelOptions);
  } catch (e) {
    throw new CliError(`${cfg.model}: ${(e as Error).message}`);
  }
  // Patch positions and augmentation draw from one generator, the loader's, which checkpoints save.
  const gen = new Generator(cfg.seed);
  const aug = augmentPreset(cfg.augment, gen);
  const trainSet = new PatchDataset(train, { size: cfg.patchSize, count: cfg.patches, where: cfg.where, foreground: cfg.foreground, generator: gen, transform: aug ? augmentSample(aug) : undefined });
  const trainLoader = new DataLoader(trainSet, { batchSize: cfg.batchSize, generator: trainSet.generator });
  const valLoader = val.length > 0 ? new DataLoader(new PatchDataset(val, { size: cfg.patchSize, count: cfg.valPatches, where: cfg.where, seed: cfg.seed + 1, fresh: false }), { batchSize: 64 }) : undefined;
  const optimizer = buildOptimizer(model.parameters(), cfg);
  const schedule = buildSchedule(cfg.schedule, optimizer, { epochs: cfg.epochs, stepsPerEpoch: trainLoader.length });

  const ckptDir = join(cfg.out, 'checkpoints');
  let initialEpoch = 0;
  if (cfg.resume) {
    try {
      initialEpoch = resumeFrom(ckptDir, { model, optimizer, scheduler: null, loader: trainLoader });
    } catch (e) {
      throw new CliError(`--resume ${cfg.resume}: ${(e as Error).message.replace(/^resumeFrom: /, '')}`);
    }
    if (schedule) {
      const done = Math.min(initialEpoch, cfg.epochs);
      const steps = schedule instanceof BatchLRSchedulerCallback ? done * trainLoader.length : done;
      for (let i = 0; i < steps; i++) (schedule.scheduler as { step(): void }).step();
    }
    say(io, `resuming ${cfg.model} from ${cfg.out} at epoch ${initialEpoch + 1}`);
  }
  say(io, `training ${cfg.model} (${model.numParameters().toLocaleString('en-US')} parameters, ${JSON.stringify(modelOptions)}) on ${cfg.dataset}: ${train.length} train / ${val.length} validation images, preprocess ${cfg.preprocess}`);
  say(io, `  ${cfg.patches} patches ${cfg.patchSize}x${cfg.patchSize} per epoch (augment ${cfg.augment}), loss ${cfg.loss}${cfg.posWeight ? ` posWeight ${cfg.posWeight}` : ''}${cfg.borderWeight !== undefined ? ` border weights w0 ${cfg.borderWeight}` : ''}, ${cfg.optimizer} lr ${cfg.lr ?? DEFAULT_LR[cfg.optimizer]}, batch ${cfg.batchSize}, ${cfg.epochs} epochs, schedule ${cfg.schedule}, seed ${cfg.seed}`);

  const { resume: _resume, ...config } = cfg;
  const runJson = join(cfg.out, 'run.json');
  const base = { kind: 'segment', config: { ...config, modelOptions }, train: train.map((s) => s.name), validation: val.map((s) => s.name) };
  writeJsonAtomic(runJson, { ...base, status: 'running', initialEpoch });
  const callbacks: CallbackLike[] = [new CSVLogger(join(cfg.out, 'log.csv'), { append: initialEpoch > 0 }), new ModelCheckpoint({ dir: ckptDir, keep: 1 })];
  if (io.verbose !== 0) callbacks.push(new ProgressBar({ stream: io.stdout, tty: io.tty ?? io.stdout.isTTY === true }));
  if (schedule) callbacks.push(schedule);
  if (cfg.timeLimit !== undefined) callbacks.push(new TimeLimit(cfg.timeLimit));
  const history = await fit(model, trainLoader, {
    epochs: cfg.epochs, optimizer, loss: segLoss(cfg.loss, { posWeight: cfg.posWeight }), metrics: [diceMetric],
    validation: valLoader, callbacks, initialEpoch, verbose: io.verbose === 0 ? 0 : 1,
  });
  if (history.epoch.length > 0) plotHistoryPng(history, join(cfg.out, 'history.png'), { epochOffset: initialEpoch });
  const weightsPath = join(cfg.out, 'model.safetensors');
  saveModel(model, weightsPath, {
    metadata: { ...trainedMetadata({ model: entry.name, modelOptions, inputShape: [channels, cfg.patchSize, cfg.patchSize], dataset: cfg.dataset }), 'neocog.preprocess': cfg.preprocess, 'neocog.patchSize': String(cfg.patchSize) },
  });
  const seconds = (Date.now() - start) / 1000;
  const valDice = history.last('valDice');
  writeJsonAtomic(runJson, { ...base, status: 'done', initialEpoch, epochsRun: history.epoch.length, seconds, valDice, history: history.toJSON().history });
  return { epochsRun: history.epoch.length, seconds, weightsPath, valDice, out: cfg.out };
}
