/**
 * Records one forward pass as a list of events for the exporter: every kernel call (inputs and
 * outputs by backend buffer), every constant written during the pass, and, for layers that ONNX names
 * as one operator (BatchNorm with running statistics, Linear, LocalResponseNorm), one event for the whole layer instead
 * of its kernels. Recording wraps the current backend in a Proxy for the duration of the pass, so the
 * ops and layers run unchanged; values are tracked by buffer (DataId), and a buffer seen with another
 * shape is a view (reshape/flatten), which the exporter writes as Reshape.
 */
import type { Backend, DataId, TensorInfo } from '../../backends/backend.js';
import { getBackend, registerBackend, setBackend } from '../../backends/registry.js';
import { enableGrad } from '../../autograd/graph.js';
import type { AnyModule, HookHandle } from '../../nn/module.js';
import { BatchNorm1d, BatchNorm2d, LocalResponseNorm } from '../../nn/normalization.js';
import { Linear } from '../../nn/linear.js';
import { Tensor } from '../../tensor/tensor.js';
import type { TypedArray } from '../../tensor/dtype.js';

export interface KernelEvent {
  kind: 'kernel';
  kernel: string;
  inputs: TensorInfo[];
  attrs: Record<string, unknown>;
  outputs: TensorInfo[];
}
export interface LayerEvent {
  kind: 'layer';
  layer: 'batchnorm' | 'linear' | 'lrn';
  path: string;
  module: AnyModule;
  inputs: TensorInfo[];
  outputs: TensorInfo[];
}
export type TraceEvent = KernelEvent | LayerEvent;

export interface Trace {
  events: TraceEvent[];
  /** Buffers written during the pass (constants such as scalars in `mul(x, 0.5)`), with a copy of their values. */
  constants: Map<DataId, TypedArray>;
  input: TensorInfo;
  output: TensorInfo;
}

const info = (t: Tensor): TensorInfo => ({ dataId: t.dataId, shape: [...t.shape], dtype: t.dtype });

/** Which layers become one ONNX node, or null to record their kernels. */
function layerKind(m: AnyModule): LayerEvent['layer'] | null {
  if ((m instanceof BatchNorm2d || m instanceof BatchNorm1d) && !m.training && m.runningMean && m.runningVar) return 'batchnorm';
  if (m instanceof Linear) return 'linear';
  if (m instanceof LocalResponseNorm) return 'lrn';
  return null;
}

interface Recorder {
  events: TraceEvent[];
  constants: Map<DataId, TypedArray>;
  suppress: number;
}
/** The pass being recorded; null outside traceForward, so the proxies keep no trace data alive. */
let recorder: Recorder | null = null;
const proxies = new WeakMap<Backend, { name: string; proxy: Backend }>();
let proxyCount = 0;

/** One recording proxy per real backend, registered once under its own name. */
function recordingProxy(real: Backend): string {
  const known = proxies.get(real);
  if (known) return known.name;
  const proxy = new Proxy(real, {
    get(target, prop, receiver) {
      if (prop === 'runKernel') {
        return (name: string, inputs: TensorInfo[], attrs: Record<string, unknown>) => {
          const outputs = (target.runKernel as (n: string, i: TensorInfo[], a: unknown) => TensorInfo[])(name, inputs, attrs);
          if (recorder && recorder.suppress === 0) {
            recorder.events.push({ kind: 'kernel', kernel: name, inputs: inputs.map((i) => ({ ...i, shape: [...i.shape] })), attrs: structuredClone(attrs), outputs: outputs.map((o) => ({ ...o, shape: [...o.shape] })) });
          }
          return outputs;
        };
      }
      if (prop === 'write') {
        return (values: TypedArray, dtype: Parameters<Backend['write']>[1]) => {
          const copy = recorder && recorder.suppress === 0 ? values.slice() : null;
          const id = target.write(values, dtype);
          if (copy && recorder) recorder.constants.set(id, copy);
          return id;
        };
      }
      const v = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  const name = `onnx-trace-${proxyCount++}`;
  registerBackend(name, () => proxy);
  proxies.set(real, { name, proxy });
  return name;
}

/** Runs `model.call(x)` once in eval mode (restoring the train flags after) and returns what ran. */
export function traceForward(model: AnyModule, x: Tensor): Trace {
  if (recorder) throw new Error('exportOnnx: already tracing (exportOnnx is not reentrant)');
  const rec: Recorder = { events: [], constants: new Map(), suppress: 0 };
  const { events } = rec;
  const real = getBackend();
  const handles: HookHandle[] = [];
  const modes = new Map<AnyModule, boolean>();
  for (const [, m] of model.namedModules()) modes.set(m, m.training);
  model.eval();
  for (const [path, m] of model.namedModules()) {
    const kind = layerKind(m);
    // Hooks on every layer also keep containers from fusing layers away (see nn/fusion.ts).
    if (!kind) {
      handles.push(m.registerForwardHook(() => undefined));
      continue;
    }
    let inputs: TensorInfo[] = [];
    handles.push(m.registerForwardPreHook((_m: AnyModule, args: unknown[]) => {
      if (rec.suppress === 0) inputs = args.filter((a): a is Tensor => a instanceof Tensor).map(info);
      rec.suppress++;
    }));
    handles.push(m.registerForwardHook((_m: AnyModule, _args: unknown, out: unknown) => {
      rec.suppress--;
      if (rec.suppress === 0 && out instanceof Tensor) events.push({ kind: 'layer', layer: kind, path, module: m, inputs, outputs: [info(out)] });
    }));
  }
  const proxyName = recordingProxy(real);
  try {
    recorder = rec;
    setBackend(proxyName);
    const y = enableGrad(() => model.call(x));
    if (!(y instanceof Tensor)) throw new Error(`exportOnnx: the model's forward must return one Tensor, got ${y === null ? 'null' : typeof y}`);
    return { events, constants: rec.constants, input: info(x), output: info(y) };
  } finally {
    recorder = null;
    setBackend(real.name);
    for (const h of handles) h.remove();
    for (const [m, t] of modes) m.training = t;
  }
}
