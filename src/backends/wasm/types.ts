/** What a wasm kernel sees: the runtime plus the reference backend's buffers (plain typed arrays). */
import type { KernelName, KernelSpecs } from '../../kernels/specs.js';
import type { Buf } from '../reference/types.js';
import type { WasmRuntime } from './runtime.js';

export type { Buf } from '../reference/types.js';

/** Returns the outputs, or a string saying why this call falls back to the reference kernel. */
export type WasmKernelFn<A> = (rt: WasmRuntime, inputs: Buf[], attrs: A) => Buf[] | string;
/** Typed on the attributes (not the name), so kernels with identical attributes are interchangeable. */
export type WasmKernel<K extends KernelName> = WasmKernelFn<KernelSpecs[K]>;
export type WasmKernelTable = { [K in KernelName]?: WasmKernel<K> };

/** The common precondition: every input is float32 (float64 and int32 run on the reference kernels). */
export function float32Only(inputs: Buf[], count = inputs.length): string | null {
  for (let i = 0; i < count; i++) {
    if (inputs[i].dtype !== 'float32') return `${inputs[i].dtype} input (wasm kernels are float32 only)`;
  }
  return null;
}
