/** The single door from ops to backends: tensors in, tensors out; kernels only see buffers. */
import type { KernelName, KernelSpecs } from '../kernels/specs.js';
import { getBackend } from '../backends/registry.js';
import { Tensor } from '../tensor/tensor.js';

export function runKernel<K extends KernelName>(name: K, inputs: Tensor[], attrs: KernelSpecs[K]): Tensor[] {
  const backend = getBackend();
  const infos = inputs.map((t) => {
    t.assertAlive(name);
    return { dataId: t.dataId, shape: t.shape, dtype: t.dtype };
  });
  return backend.runKernel(name, infos, attrs).map((info) => new Tensor(info, backend));
}

/** Single-output convenience. */
export function run1<K extends KernelName>(name: K, inputs: Tensor[], attrs: KernelSpecs[K]): Tensor {
  return runKernel(name, inputs, attrs)[0];
}
