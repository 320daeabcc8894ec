/** `--model model.onnx`: an ONNX file as a registry-like entry (input shape and class count read from the graph). */
import { basename } from 'node:path';
import type * as models from '../models/index.js';
import { importOnnx } from '../io/onnx/file.js';
import type { OnnxModel } from '../io/onnx/import.js';
import { zeros } from '../tensor/creation.js';
import { noGrad } from '../autograd/graph.js';
import { CliError, oneLine } from './errors.js';

export const isOnnxPath = (ref: string): boolean => /\.onnx$/i.test(ref);

function load(path: string): OnnxModel {
  try {
    return importOnnx(path);
  } catch (e) {
    throw new CliError(oneLine(e));
  }
}

export function onnxEntry(path: string): models.ModelEntry {
  const probe = load(path);
  if (probe.graph.inputs.length !== 1) throw new CliError(`${path}: the CLI runs models with one input; this graph has ${probe.graph.inputs.length} (${probe.inputNames.join(', ')})`);
  const dims = probe.graph.inputs[0].dims ?? [];
  const inputShape = dims.slice(1).every((d) => typeof d === 'number' && d > 0) ? (dims.slice(1) as number[]) : [];
  let numClasses = 0;
  if (inputShape.length) {
    const y = noGrad(() => probe.eval().call(zeros([1, ...inputShape])));
    numClasses = y.shape[y.shape.length - 1];
  }
  return {
    name: basename(path).replace(/\.onnx$/i, ''),
    description: `ONNX model ${path} (${probe.graph.nodes.length} nodes, opset ${probe.graph.opset})`,
    inputShape,
    numClasses,
    build: (opts?: models.ModelOptions) => {
      if (opts && Object.keys(opts).length) throw new CliError(`--model-options do not apply to the ONNX file ${path}`);
      return load(path);
    },
  };
}
