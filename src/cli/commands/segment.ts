/** `neocog segment train|eval|predict`: per-pixel models on DRIVE, ISBI 2012 or an images/ + masks/ folder. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { CliError } from '../errors.js';
import { type CliIO, println } from '../io.js';
import { modelArg, modelSlug } from '../model-ref.js';
import { jsonObject, nonNegativeInt, nonNegativeNumber, positiveInt, positiveNumber } from '../parse.js';
import { PREPROCESS } from '../../segment/preprocess.js';
import { SEG_LOSSES } from '../../segment/losses.js';
import { parseRanges, SEG_DATASETS } from '../seg-data.js';
import { SEG_AUGMENT, trainSegmentation, type SegTrainConfig } from '../segmentation.js';
import { OPTIMIZERS, SCHEDULES } from '../training.js';
import { evalSegmentation, predictSegmentation } from '../seg-eval.js';

const fraction = (v: string): number => {
  const n = Number(v);
  if (!(n >= 0 && n < 1)) throw new CliError(`expected a fraction in [0, 1), got '${v}'`);
  return n;
};
const unitFraction = (v: string): number => {
  const n = Number(v);
  if (!(n >= 0 && n <= 1)) throw new CliError(`expected a number in [0, 1], got '${v}'`);
  return n;
};

/** Options every subcommand shares: where the images are and how they are preprocessed. */
function dataOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--dataset <name>', 'drive, isbi2012 or folder (images/ + masks/ [+ fov/])').choices(SEG_DATASETS).default('drive'))
    .option('--data-dir <dir>', 'dataset root (default ../shared/datasets/<dataset>)')
    .option('--test-dir <dir>', 'folder dataset: the test images (images/ + masks/ [+ fov/])')
    .option('--train-slices <list>', 'isbi2012: training slices (default 0-24)', parseRanges)
    .option('--test-slices <list>', 'isbi2012: test slices (default 25-29)', parseRanges)
    .addOption(new Option('--preprocess <name>', 'drive: grey + min-max + CLAHE + gamma 1/1.2; green: green channel + CLAHE').choices(PREPROCESS));
}

const RESUMABLE = ['model', 'modelOptions', 'dataset', 'dataDir', 'testDir', 'trainSlices', 'testSlices', 'preprocess', 'patchSize', 'patches', 'valPatches', 'where', 'foreground',
  'augment', 'loss', 'posWeight', 'borderWeight', 'epochs', 'batchSize', 'optimizer', 'lr', 'momentum', 'weightDecay', 'schedule', 'seed', 'valSplit', 'timeLimit'] as const;

export function registerSegment(program: Command, io: CliIO): void {
  const seg = program.command('segment').description('segmentation: train, evaluate and predict per-pixel models (U-Net, SegNet, FCN) on DRIVE, ISBI 2012 or a folder');

  dataOptions(seg.command('train').description('train on random patches of the training images; checkpoints every epoch (--resume continues)'))
    .addOption(new Option('--model <name>', 'unet, segnet, fcn8s, dilated-context-basic, ... (default unet: depth 3, width 16, same padding, batch norm)').argParser(modelArg).default('unet'))
    .option('--model-options <json>', 'builder options merged over the defaults, e.g. \'{"depth":2,"width":32}\'', jsonObject)
    .option('--patch-size <n>', 'side of the square training patches', positiveInt, 48)
    .option('--patches <n>', 'training patches per epoch (fresh random ones every epoch)', positiveInt, 2000)
    .option('--val-patches <n>', 'fixed validation patches from the held-out images', positiveInt, 500)
    .addOption(new Option('--where <region>', 'patch centres inside the field of view, outside it, or anywhere (default fov when there is one)').choices(['fov', 'outside', 'any']))
    .option('--foreground <f>', 'fraction of patches centred on a structure pixel', unitFraction, 0)
    .addOption(new Option('--augment <kind>', 'joint image + mask augmentation').choices(SEG_AUGMENT).default('flips'))
    .addOption(new Option('--loss <name>', 'per-pixel loss').choices(SEG_LOSSES).default('bce'))
    .option('--pos-weight <w>', 'BCE weight of structure pixels', positiveNumber)
    .option('--border-weight <w0>', 'U-Net border weight map on the loss (w0; sigma 5 px), for touching objects such as ISBI cells', nonNegativeNumber)
    .option('--epochs <n>', 'total epochs', positiveInt, 10)
    .option('--batch-size <n>', 'patches per step', positiveInt, 32)
    .addOption(new Option('--optimizer <name>', 'optimizer').choices(OPTIMIZERS).default('adam'))
    .option('--lr <rate>', 'learning rate (default: adam 0.001, sgd 0.05)', positiveNumber)
    .option('--momentum <m>', 'momentum for sgd and rmsprop', nonNegativeNumber, 0.9)
    .option('--weight-decay <wd>', 'L2 weight decay', nonNegativeNumber, 0)
    .addOption(new Option('--schedule <name>', 'learning-rate schedule').choices(SCHEDULES).default('cosine'))
    .option('--val-split <f>', 'fraction of the training images held out for validation (never the test set)', fraction, 0.1)
    .option('--time-limit <minutes>', 'stop after the epoch that passes this many minutes', positiveNumber)
    .option('--seed <n>', 'seed for initialisation, patches and augmentation', nonNegativeInt, 0)
    .option('--out <dir>', 'output folder (default .neocog/segment-<dataset>-<model>)')
    .option('--resume <dir>', 'continue the run saved in this --out folder from its latest checkpoint')
    .option('--quiet', 'no progress bar')
    .addHelpText('after', `
Examples:
  neocog segment train --dataset drive --preprocess drive --epochs 20 --out runs/drive
  neocog segment train --dataset isbi2012 --patch-size 64 --augment elastic --loss bce+dice
  neocog segment train --resume runs/drive --epochs 30`)
    .action(async (flags: Record<string, unknown> & { quiet?: boolean; resume?: string }, cmd: Command) => {
      const cfg: Record<string, unknown> = { ...flags };
      if (flags.resume) {
        const run = join(flags.resume, 'run.json');
        if (!existsSync(run)) throw new CliError(`--resume ${flags.resume}: no run.json in this folder`);
        const prev = (JSON.parse(readFileSync(run, 'utf8')) as { config?: Record<string, unknown> }).config ?? {};
        for (const key of RESUMABLE) if (prev[key] !== undefined && cmd.getOptionValueSource(key) !== 'cli') cfg[key] = prev[key];
        if (cmd.getOptionValueSource('modelOptions') !== 'cli') cfg.modelOptions = prev.modelOptions;
        cfg.out = flags.out ?? flags.resume;
      }
      cfg.preprocess ??= cfg.dataset === 'drive' ? 'drive' : 'none';
      cfg.out ??= join('.neocog', `segment-${cfg.dataset as string}-${modelSlug(cfg.model as string)}`);
      delete cfg.quiet;
      const r = await trainSegmentation(cfg as unknown as SegTrainConfig, { stdout: io.stdout, verbose: flags.quiet ? 0 : 1 });
      println(io, `${r.epochsRun} epoch${r.epochsRun === 1 ? '' : 's'} in ${r.seconds.toFixed(1)} s${r.valDice !== undefined ? `, validation Dice ${r.valDice.toFixed(4)}` : ''}`);
      println(io, `model saved to ${r.weightsPath}; checkpoints in ${join(r.out, 'checkpoints')}`);
    });

  dataOptions(seg.command('eval').description('sliding-window prediction on the test images; metrics inside the field of view to JSON, overlays to PNG'))
    .requiredOption('--weights <path>', 'model.safetensors, a run folder or a checkpoint folder')
    .option('--threshold <t>', 'probability threshold for the binary metrics', unitFraction, 0.5)
    .option('--window <n>', 'sliding-window tile side (default: the training patch size)', positiveInt)
    .option('--stride <n>', 'tile step (default: half the window)', positiveInt)
    .addOption(new Option('--manual <n>', 'drive: reference segmentation of the test set').choices(['1', '2']).default('1'))
    .option('--human', 'drive: also score the 2nd manual against the 1st (the human baseline)')
    .option('--limit <n>', 'evaluate the first n test images only', positiveInt)
    .option('--out <dir>', 'folder for metrics.json, probability maps and overlays (default: <weights folder>/eval)')
    .action(async (flags: Record<string, unknown>) => {
      await evalSegmentation(flags as never, io);
    });

  dataOptions(seg.command('predict').description('probability maps (PNG) for image files with a trained segmentation model'))
    .requiredOption('--weights <path>', 'model.safetensors, a run folder or a checkpoint folder')
    .argument('<images...>', 'image files (PNG, JPEG, TIFF, GIF)')
    .option('--window <n>', 'sliding-window tile side (default: the training patch size)', positiveInt)
    .option('--stride <n>', 'tile step (default: half the window)', positiveInt)
    .option('--threshold <t>', 'also write a binary mask at this probability', unitFraction)
    .option('--out <dir>', 'output folder (default: beside each image)')
    .action(async (images: string[], flags: Record<string, unknown>) => {
      await predictSegmentation(images, flags as never, io);
    });
}
