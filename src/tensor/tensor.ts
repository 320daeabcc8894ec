/**
 * The Tensor: a shape, a dtype and a handle to backend storage, plus autograd bookkeeping.
 * Maths lives in ops (src/ops); methods that call ops are attached in ./methods.ts.
 */
import type { Backend, DataId, TensorInfo } from '../backends/backend.js';
import type { GradNode } from '../autograd/graph.js';
import { trackInScope } from '../autograd/scope.js';
import { isFloat, type DType, type TypedArray } from './dtype.js';
import { sizeOf } from './shape.js';
import { formatTensor } from './format.js';
import { fail } from '../ops/validate.js';
import { show } from '../ops/args.js';

// Storage handles own their values: a tensor nobody references takes its storage with it when the
// garbage collector runs (no finalizer needed). Deterministic release points (scopes, backward, the
// end of a module call) return storage for reuse earlier; see src/autograd/scope.ts.

let nextTensorId = 0;

export class Tensor {
  readonly id = nextTensorId++;
  readonly shape: number[];
  readonly dtype: DType;
  readonly size: number;
  readonly backend: Backend;
  dataId: DataId;
  /** Whether gradients flow to (and accumulate in) this tensor. */
  requiresGrad = false;
  grad: Tensor | null = null;
  /** The rule that produced this tensor; null for leaves. */
  gradFn: GradNode | null = null;
  /** Non-leaf tensors keep `.grad` only when asked (PyTorch's retain_grad). */
  retainsGrad = false;
  kept = false;
  /** Bumped by every in-place update (assign, optimizer steps, loadStateDict): caches of prepared weights key on it. */
  version = 0;
  private disposed = false;
  /** Why the storage was released, for the error a later use raises. */
  private releasedBy = '';

  constructor(info: TensorInfo, backend: Backend) {
    // Ops construct tensors from backend results; a JS caller reaching here by `new Tensor(data)` (as in
    // torch.Tensor(data)) is told where tensors come from instead of failing on a missing shape.
    if (info === null || typeof info !== 'object' || !Array.isArray(info.shape) || typeof info.dtype !== 'string' || info.dataId === undefined) {
      fail('Tensor', `new Tensor(info, backend) takes a backend's TensorInfo { shape, dtype, dataId }, got ${show(info)}`, 'create tensors with tensor(data), zeros(shape), fromArray(values, shape), ...');
    }
    if (backend === null || typeof backend !== 'object') fail('Tensor', `backend must be a Backend, got ${show(backend)}`, 'create tensors with tensor(data), zeros(shape), ...');
    this.shape = info.shape;
    this.dtype = info.dtype;
    this.size = sizeOf(info.shape);
    this.backend = backend;
    this.dataId = info.dataId;
    trackInScope(this);
  }

  get ndim(): number {
    return this.shape.length;
  }

  get isLeaf(): boolean {
    return this.gradFn === null;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** A typed-array copy of the values (row-major). */
  dataSync(): TypedArray {
    return this.storage().slice();
  }

  async data(): Promise<TypedArray> {
    this.assertAlive();
    return (await this.backend.read(this.dataId)).slice();
  }

  /** Nested JS arrays (a number for a 0-d tensor). */
  toArray(): NestedArray {
    const v = this.storage();
    const build = (dim: number, offset: number): NestedArray => {
      if (dim === this.shape.length) return v[offset];
      const stride = sizeOf(this.shape.slice(dim + 1));
      return Array.from({ length: this.shape[dim] }, (_, i) => build(dim + 1, offset + i * stride));
    };
    return build(0, 0);
  }

  /** The value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) throw new Error(`item: tensor has ${this.size} elements [${this.shape.join(',')}]; only one-element tensors convert to a number`);
    return this.storage()[0];
  }

  /** Marks this leaf as a parameter-like tensor whose gradient is wanted. Returns this. */
  requiresGrad_(flag = true): this {
    if (flag && !isFloat(this.dtype)) throw new Error(`requiresGrad_: only floating-point tensors can require gradients (dtype is ${this.dtype})`);
    if (!this.isLeaf && !flag) throw new Error('requiresGrad_: cannot turn off requiresGrad on a non-leaf tensor; use detach()');
    this.requiresGrad = flag;
    return this;
  }

  /** Keep `.grad` on this non-leaf tensor after backward. */
  retainGrad(): this {
    this.retainsGrad = true;
    return this;
  }

  /** A tensor sharing this storage, cut from the graph. */
  detach(): Tensor {
    return shareStorage(this, this.shape);
  }

  /**
   * Replaces this tensor's contents with `src`'s (same shape), without recording autograd — the
   * in-place update optimizers and running statistics use.
   */
  assign(src: Tensor): this {
    this.assertAlive();
    if (src.shape.length !== this.shape.length || src.shape.some((d, i) => d !== this.shape[i])) {
      throw new Error(`assign: shape [${src.shape.join(',')}] does not match [${this.shape.join(',')}]`);
    }
    if (src.dtype !== this.dtype) throw new Error(`assign: dtype ${src.dtype} does not match ${this.dtype}`);
    src.assertAlive();
    this.backend.incRef(src.dataId);
    this.backend.release(this.dataId);
    this.dataId = src.dataId;
    this.version++;
    return this;
  }

  /** Frees backend storage now. Using the tensor afterwards throws. */
  dispose(): void {
    this.release('dispose()');
  }

  /**
   * @internal Releases the storage, remembering who did it so a later use can say how to keep the tensor.
   * The autograd node stays (a released non-leaf is still a non-leaf); its saved tensors go with it.
   */
  release(by: string): void {
    if (this.disposed) return;
    this.disposed = true;
    this.releasedBy = by;
    this.backend.release(this.dataId);
  }

  toString(): string {
    return formatTensor(this.shape, this.dtype, this.storage(), this.requiresGrad, this.gradFn?.op);
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  private storage(): TypedArray {
    this.assertAlive();
    return this.backend.readSync(this.dataId);
  }

  /** @internal Throws the use-after-release error (`what` names the op or method that tried). */
  assertAlive(what = 'tensor'): void {
    if (this.disposed) throw new Error(releasedMessage(this, what, this.releasedBy));
  }
}

// `using t = ...` (TC39 explicit resource management) disposes at the end of the block, where the
// runtime has Symbol.dispose (Node >= 20.4, current browsers).
const disposeSymbol = (Symbol as { dispose?: symbol }).dispose;
if (disposeSymbol) {
  Object.defineProperty(Tensor.prototype, disposeSymbol, {
    value(this: Tensor) { this.dispose(); },
    writable: true,
    configurable: true,
  });
}

export type NestedArray = number | NestedArray[];

function releasedMessage(t: Tensor, what: string, by: string): string {
  const shape = `tensor [${t.shape.join(',')}]`;
  if (by === 'dispose()') return `${what}: ${shape} was disposed and can no longer be used (hint: dispose it only after its last use)`;
  return `${what}: ${shape} (${t.dtype}) was released by ${by} and can no longer be used (hint: neocog frees intermediates nobody can reach; to keep one, return it from forward, pass it to keep(t), or keep t.clone())`;
}

/** A new tensor viewing the same storage with another shape (same element count). */
export function shareStorage(t: Tensor, shape: number[]): Tensor {
  t.assertAlive('view');
  t.backend.incRef(t.dataId);
  return new Tensor({ dataId: t.dataId, shape, dtype: t.dtype }, t.backend);
}
