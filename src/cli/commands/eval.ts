/** `neocog eval`: accuracy, top-k and the confusion matrix of trained weights on a dataset split. */
import { existsSync } from 'node:fs';
import { Option, type Command } from 'commander';
import * as models from '../../models/index.js';
import { confusionMatrixPng } from '../../train/index.js';
import { DATASETS, type DatasetName, type Split } from '../datasets.js';
import { CliError } from '../errors.js';
import { evaluateOn } from '../inference.js';
import { type CliIO, println } from '../io.js';
import { positiveInt, shape } from '../parse.js';
import { formatEvaluation } from '../report.js';
import { loadTrainedModel, runJsonOf } from '../weights.js';
import { modelArg } from '../model-ref.js';
import { defaultWeights } from './predict.js';

interface EvalFlags {
  model?: string;
  weights?: string;
  dataset?: DatasetName;
  dataDir?: string;
  split: Split;
  limit?: number;
  topk: number[];
  batchSize: number;
  confusionPng?: string;
  json?: boolean;
  tta: 'none' | 'flip';
}

export function registerEval(program: Command, io: CliIO): void {
  program
    .command('eval')
    .description('evaluate trained weights: accuracy, top-k accuracy and a confusion matrix')
    .addOption(new Option('--model <name>', 'model architecture, or an .onnx file (default: the one recorded in the weights file)').argParser(modelArg))
    .option('--weights <path>', 'model.safetensors, or the --out folder of `neocog train` (default: .neocog/<model>)')
    .addOption(new Option('--dataset <name>', 'evaluation data (default: the one the model was trained on, else embedded-mnist)').choices(DATASETS))
    .option('--data-dir <dir>', 'folder with the four IDX files (mnist, fashion-mnist)')
    .addOption(new Option('--split <split>', 'which split').choices(['test', 'train']).default('test'))
    .option('--limit <n>', 'evaluate the first n images only', positiveInt)
    .option('--topk <k,...>', 'top-k accuracies to report (comma-separated)', shape, [3])
    .option('--batch-size <n>', 'images per forward pass', positiveInt, 500)
    .addOption(new Option('--tta <kind>', 'test-time augmentation: flip averages the predictions for each image and its left-right mirror (for mirror-symmetric data such as Fashion-MNIST, not digits)').choices(['none', 'flip']).default('none'))
    .option('--confusion-png <path>', 'also draw the confusion matrix as a PNG heat map')
    .option('--json', 'print the result as JSON')
    .action(async (flags: EvalFlags) => {
      const loaded = loadTrainedModel({ model: flags.model, weights: flags.weights ?? defaultWeights(flags.model) });
      const nClasses = loaded.classes.length;
      const topK = flags.topk.filter((k) => k > 1);
      if (flags.topk.some((k) => k >= nClasses)) throw new CliError(`--topk ${flags.topk.join(',')}: k must be below the number of classes (${nClasses})`);
      const dataset = flags.dataset ?? (DATASETS.includes(loaded.datasetHint as DatasetName) ? (loaded.datasetHint as DatasetName) : 'embedded-mnist');
      // The data folder of the run that trained these weights, when evaluating on that same dataset.
      const dataDir = flags.dataDir ?? (dataset === loaded.datasetHint ? recordedDataDir(loaded.weightsPath) : undefined);
      const r = await evaluateOn(loaded.model, { dataset, dataDir, split: flags.split, limit: flags.limit, topK, batchSize: flags.batchSize, tta: flags.tta });
      if (flags.confusionPng) confusionMatrixPng(r.confusionMatrix!, flags.confusionPng, { classNames: loaded.classes });
      if (flags.json) return println(io, JSON.stringify({ model: loaded.name, weights: loaded.weightsPath, dataset, split: flags.split, tta: flags.tta, ...r }, null, 2));
      println(io, `model:     ${loaded.name} (${loaded.weightsPath})`);
      println(io, `data:      ${dataset}${dataDir ? ` (${dataDir})` : ''}, ${flags.split} split${flags.tta === 'flip' ? ', test-time augmentation: mirror' : ''}`);
      println(io, formatEvaluation(r, loaded.classes));
      if (flags.confusionPng) println(io, `\nconfusion matrix drawn to ${flags.confusionPng}`);
    });
}

/** config.dataDir of the run that trained these weights, if that folder exists. */
function recordedDataDir(weightsPath: string): string | undefined {
  const dir = runJsonOf(weightsPath)?.config?.dataDir;
  return typeof dir === 'string' && existsSync(dir) ? dir : undefined;
}
