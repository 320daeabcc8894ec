/**
 * The peer workloads of ../shared/bench/WORKLOADS.md, defined once. Every peer (TS and Python) runs
 * exactly these shapes; bench/peers/torch_models.py mirrors the constants.
 */
export type WorkloadId = 'W1a' | 'W1a-natural' | 'W1b' | 'W2a' | 'W2a-natural' | 'W2b' | 'W3a' | 'W3b' | 'W4' | 'W5a' | 'W5b' | 'sgemm' | 'sgemm1t';

export interface Workload {
  id: WorkloadId;
  /** Row label in the tables. */
  title: string;
  /** 'img/s' (batch / time) or 'GFLOP/s' (flop / time): higher is better; 'ms' (latency per call): lower is better. */
  unit: 'img/s' | 'GFLOP/s' | 'ms';
  /** Images per call (throughput = batch / time; the batch of a latency workload) or 0 for GFLOP/s workloads. */
  batch: number;
  /** Floating-point operations per call, for GFLOP/s workloads. */
  flop: number;
  /** Training steps: >= 20 timed steps in total. */
  train: boolean;
  /**
   * A variant of another workload (the natural-code rows): peers that do not run the variant are compared
   * on `variantOf`'s row (PyTorch's W1a is already natural code), and the variant is also shown as a ratio to it.
   */
  variantOf?: WorkloadId;
}

const CONV_FLOP = 2 * 16 * 64 * 64 * 9 * 56 * 56;
const SGEMM_FLOP = 2 * 2048 ** 3;

export const WORKLOADS: readonly Workload[] = [
  { id: 'W1a', title: 'W1a FuaNet train b64, img/s', unit: 'img/s', batch: 64, flop: 0, train: true },
  { id: 'W1a-natural', title: 'W1a FuaNet train b64, natural code, img/s', unit: 'img/s', batch: 64, flop: 0, train: true, variantOf: 'W1a' },
  { id: 'W1b', title: 'W1b FuaNet infer b256, img/s', unit: 'img/s', batch: 256, flop: 0, train: false },
  { id: 'W2a', title: 'W2a LeNet-5 train b64, img/s', unit: 'img/s', batch: 64, flop: 0, train: true },
  { id: 'W2a-natural', title: 'W2a LeNet-5 train b64, natural code, img/s', unit: 'img/s', batch: 64, flop: 0, train: true, variantOf: 'W2a' },
  { id: 'W2b', title: 'W2b LeNet-5 infer b256, img/s', unit: 'img/s', batch: 256, flop: 0, train: false },
  { id: 'W3a', title: 'W3a conv 64ch 56² fwd, GFLOP/s', unit: 'GFLOP/s', batch: 0, flop: CONV_FLOP, train: false },
  { id: 'W3b', title: 'W3b conv 64ch 56² bwd, GFLOP/s', unit: 'GFLOP/s', batch: 0, flop: 2 * CONV_FLOP, train: false },
  { id: 'W4', title: 'W4 ResNet-18 CIFAR infer b32, img/s', unit: 'img/s', batch: 32, flop: 0, train: false },
  { id: 'W5a', title: 'W5a ResNet-18 224² b1 latency, ms', unit: 'ms', batch: 1, flop: 0, train: false },
  { id: 'W5b', title: 'W5b LeNet-5 b1 latency, ms', unit: 'ms', batch: 1, flop: 0, train: false },
  { id: 'sgemm', title: 'sgemm 2048³ (peer threads), GFLOP/s', unit: 'GFLOP/s', batch: 0, flop: SGEMM_FLOP, train: false },
  { id: 'sgemm1t', title: 'sgemm 2048³ 1 thread, GFLOP/s', unit: 'GFLOP/s', batch: 0, flop: SGEMM_FLOP, train: false },
];

export function workload(id: string): Workload {
  const w = WORKLOADS.find((x) => x.id === id);
  if (!w) throw new Error(`unknown workload '${id}' (known: ${WORKLOADS.map((x) => x.id).join(', ')})`);
  return w;
}

/** W3 shapes (NCHW): x [N,C,H,W], weight [K,C,3,3], stride 1, pad 1. */
export const CONV = { N: 16, C: 64, H: 56, W: 56, K: 64, k: 3 } as const;
export const SGEMM_N = 2048;
export const RESNET_BATCH = 32;
/** W5a: torchvision ResNet-18 input (batch 1) and classes. */
export const W5A = { shape: [1, 3, 224, 224], classes: 1000 } as const;
/** W5b: LeNet-5 (W2's net) input, batch 1. */
export const W5B_SHAPE = [1, 1, 28, 28] as const;

/** Lower is better for latency rows (unit 'ms'); higher for throughput rows. */
export const lowerIsBetter = (w: Workload) => w.unit === 'ms';
