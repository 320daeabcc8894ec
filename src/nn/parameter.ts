/**
 * Parameter: a tensor a Module owns and trains (torch.nn.Parameter). It shares the storage of the
 * tensor it wraps, requires grad by default, and is kept out of every `tidy` scope.
 */
import { Tensor } from '../tensor/tensor.js';
import type { TensorInfo } from '../backends/backend.js';
import { isFloat } from '../tensor/dtype.js';
import { keep } from '../autograd/scope.js';

/** Takes a reference on `data`'s storage so the Parameter can share it. */
function share(data: Tensor): TensorInfo {
  if (!(data instanceof Tensor)) throw new TypeError(`Parameter: expected a Tensor, got ${data === null ? 'null' : typeof data}`);
  if (data.isDisposed) throw new Error(`Parameter: tensor [${data.shape.join(',')}] was disposed and can no longer be used`);
  data.backend.incRef(data.dataId);
  return { dataId: data.dataId, shape: [...data.shape], dtype: data.dtype };
}

export class Parameter extends Tensor {
  /** Wraps `data` (sharing its storage, cut from any graph). requiresGrad defaults to true for float tensors. */
  constructor(data: Tensor, requiresGrad = true) {
    super(share(data), data.backend);
    keep(this);
    if (requiresGrad) {
      if (!isFloat(this.dtype)) throw new Error(`Parameter: only floating-point tensors can require gradients (dtype is ${this.dtype}); pass requiresGrad=false`);
      this.requiresGrad_(true);
    }
  }

  override toString(): string {
    return `Parameter containing:\n${super.toString()}`;
  }
}

export function isParameter(v: unknown): v is Parameter {
  return v instanceof Parameter;
}
