/**
 * ONNX Runtime for Node (onnxruntime-node, CPU execution provider), inference only. The models are
 * exported from PyTorch by bench/peers/export_onnx.py into bench/.cache/onnx (run.ts does that first;
 * without python3-torch this peer is skipped). Static shapes, all graph optimisations, 2 intra-op threads.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Skip, Unsupported } from '../lib/result.js';
import type { Setup } from '../lib/peer-api.js';
import { CONV, RESNET_BATCH, W5A, W5B_SHAPE, type Workload } from '../lib/workloads.js';

export const ONNX_DIR = fileURLToPath(new URL('../.cache/onnx', import.meta.url));

const MODELS: Partial<Record<Workload['id'], [string, number[]]>> = {
  W1b: ['fuanet_b256', [256, 1, 28, 28]],
  W2b: ['lenet5_b256', [256, 1, 28, 28]],
  W3a: ['conv_w3', [CONV.N, CONV.C, CONV.H, CONV.W]],
  W4: ['resnet18_cifar_b32', [RESNET_BATCH, 3, 32, 32]],
  W5a: ['resnet18_b1', [...W5A.shape]],
  W5b: ['lenet5_b1', [...W5B_SHAPE]],
};

export const setup: Setup = async (w: Workload, peer) => {
  const m = MODELS[w.id];
  if (!m) throw new Unsupported(`${w.id}: onnxruntime-node is inference only`);
  const [name, shape] = m;
  const path = join(ONNX_DIR, `${name}.onnx`);
  if (!existsSync(path)) throw new Skip(`no ONNX model ${path} (exported by bench/peers/export_onnx.py, which needs python3-torch)`);
  let ort: typeof import('onnxruntime-node');
  try {
    ort = await import('onnxruntime-node');
  } catch (e) {
    throw new Skip(`onnxruntime-node does not load: ${e instanceof Error ? e.message : String(e)}`);
  }
  const threads = peer.threads ?? 2;
  const session = await ort.InferenceSession.create(path, {
    executionProviders: ['cpu'],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = Math.random() * 2 - 1;
  const feeds = { x: new ort.Tensor('float32', data, shape) };
  const step = async () => {
    const out = await session.run(feeds);
    return (out.y.data as Float32Array)[0];
  };
  const version = (ort.env as { versions?: { common?: string } }).versions?.common ?? '?';
  return { step, detail: `onnxruntime-node ${version}, CPU EP, ${threads} intra-op threads, opset 13 from torch.onnx.export` };
};
