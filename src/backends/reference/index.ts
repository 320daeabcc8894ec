/** The reference backend: every kernel in plain TypeScript. It is the oracle for every faster backend. */
import type { Backend, DataId, MemoryInfo, TensorInfo } from '../backend.js';
import type { DType, TypedArray } from '../../tensor/dtype.js';
import type { KernelName, KernelSpecs } from '../../kernels/specs.js';
import type { Buf, RefKernel, RefKernelTable } from './types.js';
import { elementwiseKernels } from './elementwise.js';
import { reduceKernels } from './reduce.js';
import { layoutKernels } from './layout.js';
import { matmulKernels } from './matmul.js';
import { convKernels } from './conv.js';
import { poolKernels } from './pool.js';
import { resizeKernels } from './resize.js';
import { padKernels } from './pad.js';
import { normKernels } from './norm.js';
import { optimKernels } from './optim.js';
import { softmaxKernels } from './softmax.js';
import { lossKernels } from './loss.js';

export const referenceKernels = {
  ...elementwiseKernels,
  ...reduceKernels,
  ...layoutKernels,
  ...matmulKernels,
  ...convKernels,
  ...poolKernels,
  ...resizeKernels,
  ...padKernels,
  ...normKernels,
  ...optimKernels,
  ...softmaxKernels,
  ...lossKernels,
} satisfies RefKernelTable;

/**
 * A buffer handle that owns its values, so storage nobody references is reclaimed by the garbage
 * collector even in a synchronous loop that never lets finalizers run. Deterministic release (scopes,
 * backward, module calls) returns the values for reuse at once; `values` is null afterwards.
 */
class Storage implements DataId {
  constructor(
    readonly id: number,
    public values: TypedArray | null,
    public refs: number,
  ) {}
}

/** Accounting for buffers the garbage collector took without a release (their values are gone with them). */
interface Ledger {
  bytes: number;
  owner: ReferenceBackend;
}
const collected = new FinalizationRegistry<Ledger>((l) => l.owner.forget(l.bytes));

export class ReferenceBackend implements Backend {
  readonly name = 'reference';
  private nextId = 1;
  private liveBuffers = 0;
  private bytes = 0;
  /** Called with the values of every buffer whose last reference is released (the wasm backend recycles them). */
  onFree: ((values: TypedArray) => void) | null = null;

  describe(): string {
    return 'reference: plain TypeScript kernels (the oracle)';
  }

  write(values: TypedArray, _dtype: DType): DataId {
    const storage = new Storage(this.nextId++, values, 1);
    this.liveBuffers++;
    this.bytes += values.byteLength;
    collected.register(storage, { bytes: values.byteLength, owner: this }, storage);
    return storage;
  }

  readSync(dataId: DataId): TypedArray {
    const values = (dataId as Storage).values;
    if (!values) throw new Error(`reference backend: buffer ${dataId.id} was already released (tensor used after dispose?)`);
    return values;
  }

  async read(dataId: DataId): Promise<TypedArray> {
    return this.readSync(dataId);
  }

  incRef(dataId: DataId): void {
    this.readSync(dataId);
    (dataId as Storage).refs++;
  }

  release(dataId: DataId): void {
    const s = dataId as Storage;
    if (!s.values || --s.refs > 0) return;
    const values = s.values;
    s.values = null;
    collected.unregister(s);
    this.forget(values.byteLength);
    this.onFree?.(values);
  }

  /** Whether the buffer still holds values (not released). */
  isLive(dataId: DataId): boolean {
    return (dataId as Storage).values !== null;
  }

  /** @internal Drops a buffer from the live counts. */
  forget(bytes: number): void {
    this.liveBuffers--;
    this.bytes -= bytes;
  }

  memory(): MemoryInfo {
    return { numBuffers: this.liveBuffers, numBytes: this.bytes };
  }

  hasKernel(name: KernelName): boolean {
    return name in referenceKernels;
  }

  runKernel<K extends KernelName>(name: K, inputs: TensorInfo[], attrs: KernelSpecs[K]): TensorInfo[] {
    const kernel = referenceKernels[name] as RefKernel<K>;
    const bufs: Buf[] = inputs.map((t) => ({ values: this.readSync(t.dataId), shape: t.shape, dtype: t.dtype }));
    return kernel(bufs, attrs).map((b) => ({ dataId: this.write(b.values, b.dtype), shape: b.shape, dtype: b.dtype }));
  }

}
