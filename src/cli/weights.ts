/**
 * Trained models on disk, as `neocog train` writes them: `<out>/model.safetensors` (weights, with the
 * registry name, options, classes and input shape in the header metadata) beside `<out>/model.json`
 * (the architecture). `--weights` takes that file, the folder holding it, or a checkpoint folder
 * (`<out>/checkpoints`, `<out>/checkpoints/epoch-0003`).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { AnyModule } from '../nn/module.js';
import { loadModel, loadSafetensorsHeader } from '../io/index.js';
import { checkpointPath } from '../train/index.js';
import * as models from '../models/index.js';
import { CliError, oneLine } from './errors.js';
import { resolveModel } from './model-ref.js';
import { isOnnxPath } from './onnx-model.js';

/** Header metadata keys written by `neocog train`. */
export const META = {
  model: 'neocog.model',
  options: 'neocog.modelOptions',
  classes: 'neocog.classes',
  inputShape: 'neocog.inputShape',
  dataset: 'neocog.dataset',
} as const;

export interface TrainedModelInfo {
  model: string;
  modelOptions?: models.ModelOptions;
  classes?: string[];
  inputShape?: number[];
  dataset?: string;
}

/** The metadata block saveModel gets for a model trained from the registry. */
export function trainedMetadata(info: TrainedModelInfo): Record<string, string> {
  const m: Record<string, string> = { [META.model]: info.model, [META.options]: JSON.stringify(info.modelOptions ?? {}) };
  if (info.classes) m[META.classes] = JSON.stringify(info.classes);
  if (info.inputShape) m[META.inputShape] = JSON.stringify(info.inputShape);
  if (info.dataset) m[META.dataset] = info.dataset;
  return m;
}

/** The safetensors file `p` refers to: the file itself, `p/model.safetensors`, or the latest checkpoint under `p`. */
export function resolveWeights(p: string): string {
  if (!existsSync(p)) throw new CliError(`--weights ${p}: no such file or folder`);
  if (statSync(p).isFile()) return p;
  const direct = join(p, 'model.safetensors');
  if (existsSync(direct)) return direct;
  for (const dir of [p, join(p, 'checkpoints')]) {
    if (existsSync(join(dir, 'trainer.json')) || existsSync(join(dir, 'latest.json'))) {
      const file = join(checkpointPath(dir), 'model.safetensors');
      if (existsSync(file)) return file;
    }
  }
  throw new CliError(`--weights ${p}: no model.safetensors in this folder (train one with: neocog train --out ${p})`);
}

function parseJson<T>(s: string | undefined): T | undefined {
  if (s === undefined) return undefined;
  try {
    return JSON.parse(s) as T;
  } catch {
    return undefined;
  }
}

/** What the weights file says about its model (header metadata; for a checkpoint, the run's run.json). */
export function readTrainedInfo(weightsPath: string): Partial<TrainedModelInfo> {
  let meta: Record<string, string>;
  try {
    meta = loadSafetensorsHeader(weightsPath).metadata ?? {};
  } catch (e) {
    throw new CliError(`--weights ${weightsPath}: ${oneLine(e)}`);
  }
  if (meta[META.model]) {
    return {
      model: meta[META.model],
      modelOptions: parseJson(meta[META.options]),
      classes: parseJson(meta[META.classes]),
      inputShape: parseJson(meta[META.inputShape]),
      dataset: meta[META.dataset],
    };
  }
  const cfg = runJsonOf(weightsPath);
  if (cfg?.config?.model) return { model: cfg.config.model, modelOptions: cfg.config.modelOptions, classes: cfg.classes, dataset: cfg.config.dataset };
  return {};
}

export interface RunJson {
  config?: Partial<TrainedModelInfo> & { modelOptions?: models.ModelOptions; dataDir?: unknown };
  classes?: string[];
}

/**
 * The run.json of the training run that wrote these weights: beside them (<out>/model.safetensors) or up to
 * two folders above (<out>/checkpoints/epoch-NNNN/model.safetensors); undefined when there is none or it is not JSON.
 */
export function runJsonOf(weightsPath: string): RunJson | undefined {
  for (let d = dirname(weightsPath), i = 0; i < 3; i++, d = dirname(d)) {
    const run = join(d, 'run.json');
    if (existsSync(run)) return parseJson<RunJson>(readFileSync(run, 'utf8'));
  }
  return undefined;
}

export interface LoadedModel {
  model: AnyModule;
  name: string;
  entry: models.ModelEntry;
  weightsPath: string;
  classes: string[];
  inputShape: number[];
  /** The dataset the weights were trained on, when recorded. */
  datasetHint?: string;
}

/** Builds the registry model (named by --model, else by the file) and loads the weights into it. */
export function loadTrainedModel({ model, weights }: { model?: string; weights: string }): LoadedModel {
  if (model !== undefined && isOnnxPath(model)) return loadOnnxModel(model, weights);
  const weightsPath = resolveWeights(weights);
  const info = readTrainedInfo(weightsPath);
  const name = model ?? info.model;
  if (!name) throw new CliError(`${weightsPath} does not say which model it holds; pass --model <name> (see: neocog models)`);
  const entry = resolveModel(name);
  const opts = model === undefined || model === info.model ? info.modelOptions : undefined;
  const net = entry.build(opts);
  try {
    loadModel(net, weightsPath);
  } catch (e) {
    throw new CliError(`cannot load ${weightsPath} into ${name}: ${oneLine(e)}`);
  }
  return loaded(net, name, entry, weightsPath, info);
}

/** The LoadedModel of `net` in eval mode, classes and input shape from the file's metadata, else the entry's. */
function loaded(net: AnyModule, name: string, entry: models.ModelEntry, weightsPath: string, info: Partial<TrainedModelInfo>): LoadedModel {
  net.eval();
  const classes = info.classes ?? Array.from({ length: entry.numClasses }, (_, i) => String(i));
  return { model: net, name, entry, weightsPath, classes, inputShape: info.inputShape ?? [...entry.inputShape], datasetHint: info.dataset };
}

/** An .onnx model with its own weights, or with fine-tuned ones from `weights` when that file or folder exists. */
function loadOnnxModel(path: string, weights: string): LoadedModel {
  const entry = resolveModel(path);
  const net = entry.build();
  let weightsPath = path;
  let info: Partial<TrainedModelInfo> = {};
  if (existsSync(weights)) {
    weightsPath = resolveWeights(weights);
    info = readTrainedInfo(weightsPath);
    try {
      loadModel(net, weightsPath);
    } catch (e) {
      throw new CliError(`cannot load ${weightsPath} into ${path}: ${oneLine(e)}`);
    }
  }
  return loaded(net, entry.name, entry, weightsPath, info);
}
