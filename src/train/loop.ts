/** Pieces shared by fit, evaluate and predict: losses by name, batches from any loader. */
import { Tensor } from '../tensor/tensor.js';
import { Module } from '../nn/module.js';
import { binaryCrossEntropy, binaryCrossEntropyWithLogits, crossEntropy, l1Loss, mseLoss, nllLoss } from '../ops/loss.js';
import { show } from '../ops/args.js';

export type LossFn = (output: Tensor, target: Tensor) => Tensor;
/** A function, a loss Module (nn.CrossEntropyLoss, ...) or a name. */
export type LossSpec = LossFn | Module<[Tensor, Tensor], Tensor> | 'crossEntropy' | 'nll' | 'mse' | 'l1' | 'bce' | 'bceWithLogits';

const NAMED: Record<string, LossFn> = {
  crossEntropy: (o, t) => crossEntropy(o, t),
  nll: (o, t) => nllLoss(o, t),
  mse: (o, t) => mseLoss(o, t),
  l1: (o, t) => l1Loss(o, t),
  bce: (o, t) => binaryCrossEntropy(o, t),
  bceWithLogits: (o, t) => binaryCrossEntropyWithLogits(o, t),
};

export function resolveLoss(who: string, loss: LossSpec | undefined): LossFn {
  if (loss instanceof Module) return (o, t) => loss.call(o, t);
  if (typeof loss === 'function') return loss;
  if (typeof loss === 'string' && loss in NAMED) return NAMED[loss];
  throw new Error(`${who}: loss must be a function (output, target) => Tensor, a loss Module or one of ${Object.keys(NAMED).join(', ')}; got ${loss === undefined ? 'nothing' : show(loss)}`);
}

/** A batch is [input, target, ...] (checked when used): what a DataLoader over a TensorDataset or an image dataset yields. */
export type Batch = readonly unknown[];
/** Anything iterable (sync or async) over batches; `length` (batches per epoch) drives progress and ETA. */
export type BatchSource = (Iterable<Batch> | AsyncIterable<Batch>) & { readonly length?: number };

export function splitBatch(who: string, batch: unknown): [Tensor, Tensor] {
  if (!Array.isArray(batch) || batch.length < 2) throw new Error(`${who}: each batch must be [input, target], got ${Array.isArray(batch) ? `an array of ${batch.length}` : typeof batch}`);
  const [x, y] = batch as unknown[];
  if (!(x instanceof Tensor) || !(y instanceof Tensor)) throw new Error(`${who}: each batch must be [input, target] tensors, got [${typeof x}, ${typeof y}]`);
  return [x, y];
}

export function stepsOf(source: BatchSource): number | null {
  const n = (source as { length?: unknown }).length;
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
}

export function checkSource(who: string, what: string, source: unknown): asserts source is BatchSource {
  const s = source as Partial<Record<symbol, unknown>> | null;
  if (!s || (typeof s[Symbol.asyncIterator] !== 'function' && typeof s[Symbol.iterator] !== 'function')) {
    throw new Error(`${who}: ${what} must be a DataLoader or another iterable of [input, target] batches`);
  }
}
