/** `neocog predict <image...>`: top-k classes with probabilities for image files. */
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import * as models from '../../models/index.js';
import { classify, INVERT_MODES, prepareImage, type InvertMode, type Prediction } from '../inference.js';
import { CliError } from '../errors.js';
import { type CliIO, println } from '../io.js';
import { positiveInt } from '../parse.js';
import { pct } from '../report.js';
import { loadTrainedModel } from '../weights.js';
import { modelArg, modelSlug } from '../model-ref.js';

/** Where `neocog train` saves a model by default. */
export const defaultWeights = (model?: string): string => join('.neocog', model ? modelSlug(model) : 'mnist-convnet');

interface PredictFlags {
  model?: string;
  weights?: string;
  topk: number;
  invert: InvertMode;
  json?: boolean;
}

export function formatPrediction(p: Prediction): string {
  const { image } = p;
  const notes: string[] = [];
  if (image.resized) notes.push(`resized from ${image.original.width}x${image.original.height}`);
  if (image.original.channels !== image.input.shape[0]) notes.push('converted to grey');
  if (image.inverted) notes.push('inverted (dark on light)');
  const best = p.top[0];
  const lines = [`${image.path}: ${best.label} (${pct(best.probability, 1)})${notes.length ? `  [${notes.join(', ')}]` : ''}`];
  for (const t of p.top) lines.push(`  ${t.label.padEnd(Math.max(...p.top.map((x) => x.label.length)))}  ${pct(t.probability).padStart(7)}`);
  return lines.join('\n');
}

export function registerPredict(program: Command, io: CliIO): void {
  program
    .command('predict')
    .description('classify image files (PNG/JPEG) with trained weights; prints the top-k classes with probabilities')
    .argument('<images...>', 'image files; resized to the model input and converted to grey as needed')
    .addOption(new Option('--model <name>', 'model architecture, or an .onnx file (default: the one recorded in the weights file)').argParser(modelArg))
    .option('--weights <path>', 'model.safetensors, or the --out folder of `neocog train` (default: .neocog/<model>)')
    .option('--topk <k>', 'how many classes to list per image', positiveInt, 3)
    .addOption(new Option('--invert <mode>', 'invert dark-on-light images to match MNIST (auto: when the border is light)').choices(INVERT_MODES).default('auto'))
    .option('--json', 'print JSON')
    .action((images: string[], flags: PredictFlags) => {
      const loaded = loadTrainedModel({ model: flags.model, weights: flags.weights ?? defaultWeights(flags.model) });
      if (images.length === 0) throw new CliError('no images given');
      const prepared = images.map((p) => prepareImage(p, loaded.inputShape, flags.invert));
      const preds = classify(loaded.model, prepared, loaded.classes, flags.topk);
      if (flags.json) {
        return println(io, JSON.stringify(preds.map((p) => ({ image: p.image.path, resized: p.image.resized, inverted: p.image.inverted, top: p.top })), null, 2));
      }
      println(io, preds.map(formatPrediction).join('\n'));
    });
}
