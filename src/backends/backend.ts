/** The backend contract: storage plus a kernel table. Tensors live above this line; kernels below it. */
import type { DType, TypedArray } from '../tensor/dtype.js';
import type { KernelName, KernelSpecs } from '../kernels/specs.js';

/** Opaque handle to a backend buffer. */
export interface DataId {
  readonly id: number;
}

export interface TensorInfo {
  dataId: DataId;
  shape: number[];
  dtype: DType;
}

export interface MemoryInfo {
  /** Live backend buffers (a buffer shared by views counts once). */
  numBuffers: number;
  numBytes: number;
}

export interface Backend {
  readonly name: string;
  /** One line saying what runs and why, e.g. "reference: plain TypeScript". */
  describe(): string;
  /** Stores `values` (the backend may keep the array itself: callers hand over ownership). */
  write(values: TypedArray, dtype: DType): DataId;
  /**
   * Optional: stores `length` values that `fill(dst, at)` writes into `dst` from element `at` on, now or
   * whenever they are needed (so `fill` may only read arrays that never change). The wasm backend writes
   * them straight into the scratch of the kernel that reads them: a dataset batch costs no fresh array.
   */
  writeWith?(dtype: DType, length: number, fill: (dst: TypedArray, at: number) => void): DataId;
  /** The buffer's contents; callers must not mutate the result. */
  readSync(dataId: DataId): TypedArray;
  read(dataId: DataId): Promise<TypedArray>;
  /** Reference counting: views share storage; the buffer is freed when the count reaches zero. */
  incRef(dataId: DataId): void;
  release(dataId: DataId): void;
  memory(): MemoryInfo;
  hasKernel(name: KernelName): boolean;
  runKernel<K extends KernelName>(name: K, inputs: TensorInfo[], attrs: KernelSpecs[K]): TensorInfo[];
}
