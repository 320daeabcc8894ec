/** What a reference kernel sees: plain typed arrays with their shapes. */
import type { DType, TypedArray } from '../../tensor/dtype.js';
import type { KernelName, KernelSpecs } from '../../kernels/specs.js';

export interface Buf {
  values: TypedArray;
  shape: number[];
  dtype: DType;
}

export type RefKernel<K extends KernelName> = (inputs: Buf[], attrs: KernelSpecs[K]) => Buf[];
export type RefKernelTable = { [K in KernelName]: RefKernel<K> };
