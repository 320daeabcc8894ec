/** Per-plane kernels over operands in wasm memory: threads split the planes. */
import { splitRange, type Call, type WasmRuntime } from './runtime.js';

/**
 * Runs a kernel over `count` planes, `call(inPtrs, outPtrs, p0, p1)` handling planes [p0, p1) of the
 * operands at those addresses, split into `chunks` ranges of whole planes (1: on the calling thread).
 */
export function mapPlanes(
  rt: WasmRuntime, count: number, chunks: number, inPtrs: number[], outPtrs: number[],
  call: (inPtrs: number[], outPtrs: number[], p0: number, p1: number) => Call,
): void {
  if (count <= 0) return;
  const ranges = chunks > 1 ? splitRange(count, chunks, 1) : [[0, count]];
  rt.run(ranges.map(([p0, p1]) => [call(inPtrs, outPtrs, p0, p1)]));
}
