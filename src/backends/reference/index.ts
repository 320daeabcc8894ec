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

export const referenceKernels = {
  ...elementwiseKernels,
  ...reduceKernels,
  ...layoutKernels,
  ...matmulKernels,
  ...convKernels,
  ...poolKernels,
  ...resizeKernels,
  ...padKernels,
} satisfies RefKernelTable;

interface Entry {
  values: TypedArray;
  refs: number;
}

export class ReferenceBackend implements Backend {
  readonly name = 'reference';
  private readonly buffers = new Map<number, Entry>();
  private nextId = 1;
  private bytes = 0;
  /** Called with the values of every buffer whose last reference is released (the wasm backend recycles them). */
  onFree: ((values: TypedArray) => void) | null = null;

  describe(): string {
    return 'reference: plain TypeScript kernels (the oracle)';
  }

  write(values: TypedArray, _dtype: DType): DataId {
    const id = this.nextId++;
    this.buffers.set(id, { values, refs: 1 });
    this.bytes += values.byteLength;
    return { id };
  }

  readSync(dataId: DataId): TypedArray {
    return this.entry(dataId).values;
  }

  async read(dataId: DataId): Promise<TypedArray> {
    return this.readSync(dataId);
  }

  incRef(dataId: DataId): void {
    this.entry(dataId).refs++;
  }

  release(dataId: DataId): void {
    const e = this.buffers.get(dataId.id);
    if (!e) return;
    if (--e.refs > 0) return;
    this.buffers.delete(dataId.id);
    this.bytes -= e.values.byteLength;
    this.onFree?.(e.values);
  }

  memory(): MemoryInfo {
    return { numBuffers: this.buffers.size, numBytes: this.bytes };
  }

  hasKernel(name: KernelName): boolean {
    return name in referenceKernels;
  }

  runKernel<K extends KernelName>(name: K, inputs: TensorInfo[], attrs: KernelSpecs[K]): TensorInfo[] {
    const kernel = referenceKernels[name] as RefKernel<K>;
    const bufs: Buf[] = inputs.map((t) => ({ values: this.readSync(t.dataId), shape: t.shape, dtype: t.dtype }));
    return kernel(bufs, attrs).map((b) => ({ dataId: this.write(b.values, b.dtype), shape: b.shape, dtype: b.dtype }));
  }

  private entry(dataId: DataId): Entry {
    const e = this.buffers.get(dataId.id);
    if (!e) throw new Error(`reference backend: buffer ${dataId.id} was already released (tensor used after dispose?)`);
    return e;
  }
}
