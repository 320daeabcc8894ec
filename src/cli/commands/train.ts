/** `neocog train`: options -> TrainConfig -> trainModel (src/cli/training.ts). */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import * as models from '../../models/index.js';
import { AUGMENTATIONS, DATASETS, checkDatasetArgs, type DatasetOptions } from '../datasets.js';
import { CliError } from '../errors.js';
import { modelArg, modelSlug } from '../model-ref.js';
import { type CliIO, println } from '../io.js';
import { jsonObject, nonNegativeInt, nonNegativeNumber, positiveInt, positiveNumber } from '../parse.js';
import { count, pct } from '../report.js';
import { OPTIMIZERS, SCHEDULES, trainModel, type TrainConfig } from '../training.js';

interface TrainFlags {
  model: string;
  modelOptions?: models.ModelOptions;
  dataset: TrainConfig['dataset'];
  dataDir?: string;
  epochs: number;
  batchSize: number;
  optimizer: TrainConfig['optimizer'];
  lr?: number;
  momentum: number;
  weightDecay: number;
  labelSmoothing?: number;
  schedule: TrainConfig['schedule'];
  augment?: TrainConfig['augment'];
  seed: number;
  out?: string;
  resume?: string;
  overwrite?: boolean;
  trainSubset?: number;
  limitTest?: number;
  valSplit?: number;
  quiet?: boolean;
}

/** Settings --resume takes from the previous run (its run.json) when they are not given on the command line. */
const RESUMABLE = ['model', 'modelOptions', 'dataset', 'dataDir', 'epochs', 'batchSize', 'optimizer', 'lr', 'momentum', 'weightDecay', 'labelSmoothing', 'schedule', 'augment', 'seed', 'trainSubset', 'limitTest', 'valSplit'] as const;

function previousConfig(dir: string): Partial<TrainConfig> {
  for (const p of [join(dir, 'run.json'), join(dir, '..', 'run.json')]) {
    if (existsSync(p)) {
      try {
        return (JSON.parse(readFileSync(p, 'utf8')) as { config?: Partial<TrainConfig> }).config ?? {};
      } catch {
        return {};
      }
    }
  }
  return {};
}

export function registerTrain(program: Command, io: CliIO): void {
  program
    .command('train')
    .description('train a model from the registry on an MNIST-style dataset; saves safetensors + JSON and resumable checkpoints')
    .addOption(new Option('--model <name>', 'model to train: a name (see: neocog models) or a model spec file (.json, .yaml)').argParser(modelArg).default('mnist-convnet'))
    .option('--model-options <json>', 'builder options as JSON, e.g. \'{"nHidden":100}\'', jsonObject)
    .addOption(new Option('--dataset <name>', 'training data').choices(DATASETS).default('embedded-mnist'))
    .option('--data-dir <dir>', 'folder with the four IDX files (mnist, fashion-mnist)')
    .option('--epochs <n>', 'total epochs (with --resume: up to this epoch; default: the run\'s)', positiveInt, 2)
    .option('--batch-size <n>', 'samples per step', positiveInt, 64)
    .addOption(new Option('--optimizer <name>', 'optimizer').choices(OPTIMIZERS).default('sgd'))
    .option('--lr <rate>', 'learning rate (default: sgd 0.05, adam/adamw/rmsprop 0.001)', positiveNumber)
    .option('--momentum <m>', 'momentum for sgd and rmsprop', nonNegativeNumber, 0.9)
    .option('--weight-decay <wd>', 'L2 weight decay (adamw: decoupled, default 0.01)', nonNegativeNumber, 0)
    .option('--label-smoothing <e>', 'cross-entropy label smoothing in [0, 1) (PyTorch\'s label_smoothing)', (v: string) => {
      const e = Number(v);
      if (!(e >= 0 && e < 1)) throw new CliError(`--label-smoothing: expected a number in [0, 1), got '${v}'`);
      return e;
    })
    .addOption(new Option('--schedule <name>', 'learning-rate schedule').choices(SCHEDULES).default('none'))
    .addOption(new Option('--augment [kind]', 'random augmentation of the training images: affine (rotate/shift/scale), crop (pad 2 + random crop), flip-crop (mirror + crop, for Fashion-MNIST) or flip-crop-erase (flip-crop + random erasing)').choices(AUGMENTATIONS).preset('affine'))
    .option('--seed <n>', 'seed for initialisation, shuffling and augmentation', nonNegativeInt, 0)
    .option('--out <dir>', 'output folder (default: .neocog/<model>)')
    .option('--resume <dir>', 'continue the run saved in this --out folder from its latest checkpoint')
    .option('--overwrite', 'replace the run already saved in the default output folder .neocog/<model>')
    .option('--train-subset <n>', 'train on the first n training images only', positiveInt)
    .option('--limit-test <n>', 'evaluate on the first n held-out images only', positiveInt)
    .option('--val-split <f>', 'hold out this fraction of the training images to validate on after each epoch (the test set is only used once, at the end)', (v: string) => {
      const f = Number(v);
      if (!(f >= 0 && f < 1)) throw new CliError(`--val-split: expected a fraction in [0, 1), got '${v}'`);
      return f;
    })
    .option('--quiet', 'no progress bar')
    .addHelpText('after', `
Examples:
  neocog train                                        # the lecture ConvNet on the embedded digits
  neocog train --model lenet5 --optimizer adam --epochs 5 --schedule onecycle
  neocog train --dataset mnist --data-dir data/mnist --augment --out runs/mnist
  neocog train --resume runs/mnist --epochs 10         # continue that run up to epoch 10`)
    .action(async (flags: TrainFlags, cmd: Command) => {
      const cfg: Record<string, unknown> = { ...flags };
      if (flags.resume) {
        if (!existsSync(flags.resume)) throw new CliError(`--resume ${flags.resume}: no such folder`);
        const prev = previousConfig(flags.resume) as Record<string, unknown>;
        for (const key of RESUMABLE) {
          if (prev[key] !== undefined && cmd.getOptionValueSource(key) !== 'cli') cfg[key] = prev[key];
        }
        cfg.out = flags.out ?? (existsSync(join(flags.resume, 'checkpoints')) ? flags.resume : (prev.out as string | undefined) ?? flags.resume);
      }
      // Argument errors before the state of the output folder.
      checkDatasetArgs(cfg as unknown as DatasetOptions);
      if (cfg.out === undefined) {
        // eval and predict read the default folder: a second plain `train` must not replace a trained model unasked.
        cfg.out = join('.neocog', modelSlug(cfg.model as string));
        if (!flags.overwrite && existsSync(join(cfg.out as string, 'run.json'))) {
          throw new CliError(`${cfg.out as string} already holds a trained run; nothing was changed (hint: --out <dir> for a new run, --resume ${cfg.out as string} --epochs N to continue it, or --overwrite to replace it)`);
        }
      }
      delete cfg.quiet;
      delete cfg.overwrite;
      const r = await trainModel(cfg as unknown as TrainConfig, { stdout: io.stdout, verbose: flags.quiet ? 0 : 1 });
      const d = cfg.dataset === 'embedded-mnist' ? 'held-out' : 'test';
      println(io, `${d} accuracy: ${pct(r.accuracy)} on ${count(r.numTest)} images (${r.epochsRun} epoch${r.epochsRun === 1 ? '' : 's'} in ${r.seconds.toFixed(1)} s)`);
      println(io, `model saved to ${r.weightsPath} (+ ${r.descriptionPath}); checkpoints in ${join(r.out, 'checkpoints')}`);
    });
}
