/** `neocog summary <model>`: the layer table (output shapes, parameters, FLOPs) of a registry model or a spec file. */
import type { Command } from 'commander';
import * as models from '../../models/index.js';
import { summary } from '../../train/index.js';
import { CliError } from '../errors.js';
import { resolveModel } from '../model-ref.js';
import { type CliIO, println } from '../io.js';
import { jsonObject, shape } from '../parse.js';

export function modelSummary(name: string, { input, modelOptions }: { input?: number[]; modelOptions?: models.ModelOptions } = {}): string {
  const entry = resolveModel(name);
  const inputShape = input ?? [...entry.inputShape];
  if (inputShape.length === 0) throw new CliError(`${name} declares no input shape: pass --input, e.g. --input 1,28,28`);
  if (input && entry.inputShape.length > 0 && input.length !== entry.inputShape.length) {
    const layout = ['L', 'H,W', 'D,H,W'][entry.inputShape.length - 2] ?? '...';
    throw new CliError(`--input ${input.join(',')} has ${input.length} dims but ${name} takes ${entry.inputShape.length} (C,${layout}; default ${entry.inputShape.join(',')})`);
  }
  return summary(entry.build(modelOptions), inputShape);
}

export function registerSummary(program: Command, io: CliIO): void {
  program
    .command('summary')
    .description('print a layer-by-layer summary of a model: output shapes, parameters, FLOPs, memory')
    .argument('<model>', 'a model name (see: neocog models) or a model spec file (.json, .yaml)')
    .option('--input <shape>', 'input shape without the batch dim, e.g. 1,28,28 (default: the model\'s)', shape)
    .option('--model-options <json>', 'builder options as JSON, e.g. \'{"nHidden":100}\'', jsonObject)
    .action((name: string, opts: { input?: number[]; modelOptions?: models.ModelOptions }) => {
      println(io, modelSummary(name, opts));
    });
}
