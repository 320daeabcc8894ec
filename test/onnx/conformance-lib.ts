/**
 * Runs ONNX's own backend tests (Debian's libonnx-testdata, ONNX 1.12) through importOnnx and
 * classifies each: pass, fail (with the first mismatch or error), or out of scope with the reason
 * (an operator outside the supported set, a data type other than float32 / float64 / int64 / bool, 3D data).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromArray } from '../../src/tensor/creation.js';
import { noGrad } from '../../src/autograd/graph.js';
import { parseGraph } from '../../src/io/onnx/graph.js';
import { OnnxModel, SUPPORTED_OPS } from '../../src/io/onnx/import.js';
import { parseTensorProto, type HostArray } from '../../src/io/onnx/tensor-proto.js';
import { DataType, DataTypeName } from '../../src/io/onnx/schema.js';
import { toHost } from '../../src/io/onnx/values.js';

export const TESTDATA = '/usr/share/libonnx-testdata/data';
export const SUITES = ['node', 'pytorch-converted', 'pytorch-operator', 'simple'] as const;

export interface CaseResult {
  suite: string;
  name: string;
  status: 'pass' | 'fail' | 'out-of-scope';
  reason: string;
}

const IO_TYPES = new Set<number>([DataType.FLOAT, DataType.DOUBLE, DataType.INT64, DataType.BOOL]);
/** Operators whose rank-5 inputs mean volumetric (3D) data, which neocog's kernels do not cover. */
const SPATIAL = new Set(['Conv', 'ConvTranspose', 'MaxPool', 'AveragePool', 'LpPool', 'GlobalAveragePool', 'GlobalMaxPool', 'MaxUnpool', 'BatchNormalization', 'InstanceNormalization', 'LRN', 'Resize', 'Upsample']);

/** In-scope by operator but not reproducible by any implementation other than ONNX's numpy reference. */
const NOT_REPRODUCIBLE: Record<string, string> = {
  test_training_dropout: "training-mode Dropout's mask comes from numpy's random generator",
  test_training_dropout_default: "training-mode Dropout's mask comes from numpy's random generator",
  test_training_dropout_mask: "training-mode Dropout's mask comes from numpy's random generator",
  test_training_dropout_default_mask: "training-mode Dropout's mask comes from numpy's random generator",
};

function scope(dir: string, name: string): { reason: string } | { model: OnnxModel } {
  const bytes = readFileSync(join(dir, 'model.onnx'));
  let g;
  try {
    g = parseGraph(bytes);
  } catch (e) {
    return { reason: `model does not parse: ${(e as Error).message}` };
  }
  const ops = new Set(g.nodes.map((n) => (n.domain && n.domain !== 'ai.onnx' ? `${n.domain}.${n.opType}` : n.opType)));
  const missing = [...ops].filter((o) => !SUPPORTED_OPS.includes(o));
  if (missing.length) return { reason: `operator${missing.length > 1 ? 's' : ''} ${missing.join(', ')} not in the supported set` };
  if (NOT_REPRODUCIBLE[name]) return { reason: NOT_REPRODUCIBLE[name] };
  const bad = g.inputs.map((i) => i.type).find((t) => !IO_TYPES.has(t));
  if (bad !== undefined) return { reason: bad === 0 ? 'non-tensor input (sequence or optional)' : `input type ${DataTypeName[bad] ?? bad}` };
  const badOut = g.outputTypes.find((t) => !IO_TYPES.has(t));
  if (badOut !== undefined) return { reason: badOut === 0 ? 'non-tensor output (sequence or optional)' : `output type ${DataTypeName[badOut] ?? badOut}` };
  if (g.inputs.some((i) => (i.dims?.length ?? 0) >= 5) && g.nodes.some((n) => SPATIAL.has(n.opType))) return { reason: '3D (volumetric) data' };
  try {
    return { model: new OnnxModel(g) };
  } catch (e) {
    return { reason: (e as Error).message };
  }
}

function compare(got: HostArray, want: HostArray, rtol: number, atol: number): string | null {
  if (got.dims.length !== want.dims.length || got.dims.some((d, i) => d !== want.dims[i])) return `shape [${got.dims.join(',')}] != expected [${want.dims.join(',')}]`;
  for (let i = 0; i < want.data.length; i++) {
    const a = got.data[i], b = want.data[i];
    if (Number.isNaN(b) && Number.isNaN(a)) continue;
    if (a === b) continue;
    if (!(Math.abs(a - b) <= atol + rtol * Math.abs(b))) return `value ${i}: ${a} != expected ${b}`;
  }
  return null;
}

export function runCase(suite: string, name: string, rtol = 1e-3, atol = 1e-5): CaseResult {
  const dir = join(TESTDATA, suite, name);
  const s = scope(dir, name);
  if ('reason' in s) return { suite, name, status: 'out-of-scope', reason: s.reason };
  const model = s.model;
  model.eval();
  const sets = readdirSync(dir).filter((d) => d.startsWith('test_data_set')).sort();
  if (sets.length === 0) return { suite, name, status: 'out-of-scope', reason: 'no test data sets' };
  for (const set of sets) {
    const files = readdirSync(join(dir, set));
    const read = (p: string) => parseTensorProto(readFileSync(join(dir, set, p)), `${set}/${p}`);
    const inputs: Record<string, HostArray | ReturnType<typeof fromArray>> = {};
    const ins = files.filter((f) => f.startsWith('input_')).sort((a, b) => parseInt(a.slice(6)) - parseInt(b.slice(6)));
    const outs = files.filter((f) => f.startsWith('output_')).sort((a, b) => parseInt(a.slice(7)) - parseInt(b.slice(7)));
    if (ins.length !== model.inputNames.length) return { suite, name, status: 'out-of-scope', reason: `test feeds ${ins.length} inputs, graph has ${model.inputNames.length} (optional inputs)` };
    for (const [k, f] of ins.entries()) {
      const a = read(f);
      if (!IO_TYPES.has(a.type)) return { suite, name, status: 'out-of-scope', reason: `input type ${DataTypeName[a.type]}` };
      const inName = a.name || model.inputNames[k];
      const target = model.graph.inputs.find((i) => i.name === inName) ?? model.graph.inputs[k];
      inputs[target.name] = a.type === DataType.FLOAT ? fromArray(a.data, a.dims) : a.type === DataType.DOUBLE ? fromArray(a.data, a.dims, { dtype: 'float64' }) : a;
    }
    let result: Record<string, ReturnType<typeof toHost> | undefined>;
    try {
      const r = noGrad(() => model.run(inputs));
      result = Object.fromEntries(Object.entries(r).map(([k, v]) => [k, toHost(v)]));
    } catch (e) {
      return { suite, name, status: 'fail', reason: `error: ${(e as Error).message.slice(0, 300)}` };
    }
    for (const [k, f] of outs.entries()) {
      const want = read(f);
      if (!IO_TYPES.has(want.type)) return { suite, name, status: 'out-of-scope', reason: `output type ${DataTypeName[want.type]}` };
      const got = result[want.name || model.outputNames[k]] ?? result[model.outputNames[k]];
      if (!got) return { suite, name, status: 'fail', reason: `output ${k} missing` };
      const msg = compare(got, want, rtol, atol);
      if (msg) return { suite, name, status: 'fail', reason: `${set} output ${k}: ${msg}` };
    }
  }
  return { suite, name, status: 'pass', reason: '' };
}

export function listCases(): { suite: string; name: string }[] {
  if (!existsSync(TESTDATA)) throw new Error(`${TESTDATA} is missing: install Debian's libonnx-testdata (apt-get install -y libonnx-testdata)`);
  return SUITES.flatMap((suite) => readdirSync(join(TESTDATA, suite)).sort().map((name) => ({ suite, name })));
}
