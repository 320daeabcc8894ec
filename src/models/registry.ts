/**
 * The model registry: name -> { build(opts), inputShape, description }. The CLI and the zoo look
 * models up here; a new family registers its entries with `register` (one file per family).
 *
 *   models.list()                          // [{ name, description, inputShape, ... }]
 *   models.get('mnist-convnet', { nHidden: 100 })
 */
import { plainOptions } from './zoo-util.js';
import type { AnyModule } from '../nn/module.js';
import { lenet5, type LeNet5Options } from './lenet.js';
import { mnistConvNet, type MnistConvNetOptions } from './mnist-convnet.js';
import { didYouMean, noExtra, options, show } from '../ops/args.js';
import { fail } from '../ops/validate.js';

/** Options passed to a model builder (each builder documents and checks its own). */
export type ModelOptions = Record<string, unknown>;

export interface ModelEntry<O = ModelOptions> {
  /** Registry key, kebab-case ('mnist-convnet'). */
  readonly name: string;
  /** One line for `neocog models`. */
  readonly description: string;
  /** Shape of one input sample without the batch dim, e.g. [1, 28, 28]. */
  readonly inputShape: readonly number[];
  /** Number of classes the logits cover. */
  readonly numClasses: number;
  /**
   * Parameters with the default options, when known up front: `neocog models` then lists the entry
   * without building it (a VGG allocates and initialises 138M weights). Tests check it against build().
   */
  readonly numParameters?: number;
  /** A freshly initialised model. */
  build(opts?: O): AnyModule;
}

const registry = new Map<string, ModelEntry<any>>();

/** Adds (or replaces, with { replace: true }) a model entry. */
export function register<O>(entry: ModelEntry<O>, opts: { replace?: boolean } = {}): void {
  const { replace = false } = options<{ replace?: boolean }>('models.register', opts, ['replace']);
  if (entry === null || typeof entry !== 'object' || typeof entry.build !== 'function') fail('models.register', `entry must be an object like { name, description, inputShape, numClasses, build }, got ${show(entry)}`);
  if (typeof replace !== 'boolean') fail('models.register', `replace must be true or false, got ${show(replace)}`);
  if (typeof entry.name !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(entry.name)) throw new Error(`models.register: name must be kebab-case, got ${show(entry.name)}`);
  if (registry.has(entry.name) && !replace) throw new Error(`models.register: '${entry.name}' is already registered (pass { replace: true })`);
  registry.set(entry.name, entry);
}

/** Every registered entry, in registration order. */
export function list(): ModelEntry[] {
  noExtra('list', arguments, 0);
  return [...registry.values()];
}

export function has(name: string): boolean {
  if (typeof name !== 'string') fail('models.has', `name must be a string, got ${show(name)}`);
  noExtra('models.has', arguments, 1);
  return registry.has(name);
}

/** The entry of `name` for `op`; an unknown name fails listing the known ones. */
function lookup(op: string, name: unknown): ModelEntry {
  if (typeof name !== 'string') fail(op, `name must be a model name (a string), got ${show(name)}`, `known: ${[...registry.keys()].join(', ')}`);
  const e = registry.get(name);
  if (!e) {
    const near = didYouMean(name, [...registry.keys()]);
    fail(op, `unknown model '${name}'${near ? `; did you mean '${near}'?` : ''} (known: ${[...registry.keys()].join(', ')})`);
  }
  return e;
}

/** The entry of `name`; an unknown name fails listing the known ones. */
export function info(name: string): ModelEntry {
  noExtra('models.info', arguments, 1);
  return lookup('models.info', name);
}

/** Builds model `name` with `opts`. */
export function get(name: string, opts?: ModelOptions): AnyModule {
  return lookup('models.get', name).build(opts);
}

const MNIST: readonly number[] = [1, 28, 28];

register<MnistConvNetOptions>({
  name: 'mnist-convnet',
  description: 'EPFL lecture ConvNet: conv5x5 -> maxpool2 -> relu -> conv5x5 -> maxpool2 -> relu -> fc 320-50-10',
  inputShape: MNIST,
  numClasses: 10,
  numParameters: 21_840,
  build: (o = {}) => mnistConvNet({ ...plainOptions('mnist-convnet', o), variant: 'pool' }),
});
register<MnistConvNetOptions>({
  name: 'mnist-convnet-stride2',
  description: 'lecture ConvNet without pooling: two conv5x5 with stride 2 -> fc 320-50-10',
  inputShape: MNIST,
  numClasses: 10,
  numParameters: 21_840,
  build: (o = {}) => mnistConvNet({ ...plainOptions('mnist-convnet-stride2', o), variant: 'stride2' }),
});
register<MnistConvNetOptions>({
  name: 'mnist-convnet-conv3x3',
  description: 'lecture ConvNet with each maxpool replaced by a conv3x3 stride 2 (padding 1) -> fc 320-50-10',
  inputShape: MNIST,
  numClasses: 10,
  numParameters: 26_370,
  build: (o = {}) => mnistConvNet({ ...plainOptions('mnist-convnet-conv3x3', o), variant: 'conv3x3s2' }),
});
register<LeNet5Options>({
  name: 'lenet5',
  description: "LeNet-5 as in the lectures' Keras summary: conv6-avgpool-conv16-avgpool-conv120-fc84-fc10, tanh",
  inputShape: MNIST,
  numClasses: 10,
  numParameters: 61_706,
  build: (o = {}) => lenet5(o),
});
