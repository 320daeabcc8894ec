/** What a wasm kernel sees and returns: operands where they lie (wasm address or JS values), results in wasm memory. */
import type { DType, TypedArray } from '../../tensor/dtype.js';
import type { KernelName, KernelSpecs } from '../../kernels/specs.js';
import type { Operand, WasmRuntime } from './runtime.js';

/** An input: `ptr` >= 0 when resident (use `rt.ptrOf`), `values` copies it to JS on first use (avoid in hot paths). */
export interface Buf extends Operand {
  readonly shape: number[];
  readonly dtype: DType;
  /** The storage's identity, for caches of data derived from it (prepared weights). */
  readonly key: object;
}

/** An output: a block from `rt.output` (ptr), or values computed in JS. */
export type OutBuf = { shape: number[]; dtype: DType } & ({ ptr: number; values?: undefined } | { values: TypedArray; ptr?: undefined });

/** Returns the outputs, or a string saying why this call falls back to the reference kernel. */
export type WasmKernelFn<A> = (rt: WasmRuntime, inputs: Buf[], attrs: A) => OutBuf[] | string;
/** Typed on the attributes (not the name), so kernels with identical attributes are interchangeable. */
export type WasmKernel<K extends KernelName> = WasmKernelFn<KernelSpecs[K]>;
export type WasmKernelTable = { [K in KernelName]?: WasmKernel<K> };

/** The common precondition: every input is float32 (float64 and int32 run on the reference kernels). */
export function float32Only(inputs: readonly { dtype: DType }[], count = inputs.length): string | null {
  for (let i = 0; i < count; i++) {
    if (inputs[i].dtype !== 'float32') return `${inputs[i].dtype} input (wasm kernels are float32 only)`;
  }
  return null;
}

/** Elements of a shape. */
export const sizeOfShape = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
