/**
 * What `--model` (train) and `<model>` (summary) name: a registry model ('lenet5') or a model spec
 * file ('nets/mynet.spec.json', '.yaml', '.yml'; docs/SPEC.md). A spec file becomes a registry-like
 * entry: its input shape from the spec's "inputs", its class count from the output's last dim.
 */
import { basename } from 'node:path';
import { InvalidArgumentError } from 'commander';
import * as models from '../models/index.js';
import { Tensor } from '../tensor/tensor.js';
import { zeros } from '../tensor/creation.js';
import { noGrad } from '../autograd/graph.js';
import { closeMatches, fromSpec, isSpecPath, loadSpec, type Spec } from '../spec/index.js';
import { CliError, oneLine } from './errors.js';
import { isOnnxPath, onnxEntry } from './onnx-model.js';

/** The registry entry of `ref`, or one built from the spec file `ref` names. */
export function resolveModel(ref: string): models.ModelEntry {
  if (models.has(ref)) return models.info(ref);
  if (isOnnxPath(ref)) return onnxEntry(ref);
  if (!isSpecPath(ref)) {
    const names = models.list().map((e) => e.name);
    const close = closeMatches(ref, names);
    // The suggestion first: one-line errors are cut at the terminal width, and the list is long.
    throw new CliError(`unknown model '${ref}'${close.length ? `; did you mean ${close.join(' or ')}?` : ''} (known: ${names.join(', ')}; or a model spec file: .json, .yaml)`);
  }
  let spec: Spec;
  let probe;
  try {
    spec = loadSpec(ref);
    probe = fromSpec(spec);
  } catch (e) {
    throw new CliError(oneLine(e));
  }
  const inputs = spec.inputs ? Object.values(spec.inputs) : [];
  let numClasses = 0;
  if (inputs.length) {
    const out: unknown = noGrad(() => probe.eval().call(...inputs.map((s) => zeros([1, ...s]))));
    const y = Array.isArray(out) ? out[0] : out;
    if (y instanceof Tensor) numClasses = y.shape[y.shape.length - 1];
  }
  const name = ('name' in spec && spec.name) || ('model' in spec && spec.model.name) || modelSlug(ref);
  return {
    name,
    description: ('description' in spec && spec.description) || `model spec ${ref}`,
    inputShape: inputs[0] ?? [],
    numClasses,
    build: (opts?: models.ModelOptions) => {
      if (opts && Object.keys(opts).length) throw new CliError(`--model-options apply to registry models, not to the spec file ${ref} (edit its options instead)`);
      return fromSpec(spec, { checkShapes: false });
    },
  };
}

/** commander parser for --model: a registry name or a spec file path (checked when the command runs). */
export function modelArg(value: string): string {
  if (models.has(value) || isSpecPath(value) || isOnnxPath(value)) return value;
  throw new InvalidArgumentError(`Allowed choices are ${models.list().map((e) => e.name).join(', ')}, a model spec file (.json, .yaml), or an .onnx file.`);
}

/** A folder-friendly name for `ref`: the model name, or a spec file's base name without its extensions. */
export function modelSlug(ref: string): string {
  if (isOnnxPath(ref)) return basename(ref).replace(/\.onnx$/i, '');
  return isSpecPath(ref) ? basename(ref).replace(/(\.spec)?\.(json|ya?ml)$/i, '') : ref;
}
