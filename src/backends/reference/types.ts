/** What a reference kernel sees: plain typed arrays with their shapes. */
import type { DType, TypedArray } from '../../tensor/dtype.js';
import type { KernelName, KernelSpecs } from '../../kernels/specs.js';

export interface Buf {
  values: TypedArray;
  shape: number[];
  dtype: DType;
}

/** Typed on the attributes (not the name) so kernels with identical attributes are interchangeable. */
export type KernelFn<A> = (inputs: Buf[], attrs: A) => Buf[];
export type RefKernel<K extends KernelName> = KernelFn<KernelSpecs[K]>;
export type RefKernelTable = { [K in KernelName]: RefKernel<K> };
