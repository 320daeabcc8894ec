/**
 * neocog on whichever backend the peer names ('reference', or 'wasm' with 1 or 2 threads). Models are
 * built here from public nn layers (FuaNet, LeNet-5, a torchvision-style ResNet-18 for CIFAR); W5 uses
 * the model zoo (models.resnet18, models.lenet5). The natural-code rows and W5 are written as users
 * write them (no tidy, no dispose); the other rows keep the scoped idiom they have always measured.
 */
import type { Tensor, nn as nnTypes } from '../../src/index.js';

type Module<I extends unknown[] = [Tensor], O = Tensor> = nnTypes.Module<I, O>;

// The package as users run it: the compiled dist/ when the bench runner found it up to date (it says so
// in the report), else the sources through tsx.
const fromDist = process.env.NEOCOG_BENCH_DIST === '1';
const neocog = (await import(fromDist ? '../../dist/index.js' : '../../src/index.js')) as typeof import('../../src/index.js');
const { F, nn, optim, data, models, noGrad, tidy, randn, randint, matmul, setBackend, backend } = neocog;
const SOURCE = fromDist ? 'from dist/ (the compiled package)' : 'from src/ through tsx';
import { Skip, Unsupported } from '../lib/result.js';
import type { Prepared, Setup } from '../lib/peer-api.js';
import { CONV, RESNET_BATCH, SGEMM_N, W5A, W5B_SHAPE, type Workload } from '../lib/workloads.js';

type AnyFn = (...args: unknown[]) => unknown;

/**
 * The wasm backend's thread setter: its name is not fixed yet, so take the first exported function
 * whose name mentions threads (setNumThreads, setThreads, setWasmThreads, ...).
 */
function threadSetter(): [string, AnyFn] | null {
  const exports = neocog as unknown as Record<string, unknown>;
  const names = Object.keys(exports).filter((k) => /^set.*threads?$/i.test(k) && typeof exports[k] === 'function');
  names.sort((a, b) => a.length - b.length);
  return names.length > 0 ? [names[0], exports[names[0]] as AnyFn] : null;
}

async function selectBackend(name: string, threads: number | undefined): Promise<string[]> {
  const notes: string[] = [];
  if (name === 'wasm' && threads !== undefined) {
    // The backend's documented default; the exported setter, when there is one, is called as well.
    process.env.NEOCOG_THREADS = String(threads);
    const setter = threadSetter();
    if (setter) {
      const r = setter[1](threads);
      if (r instanceof Promise) await r;
      notes.push(`${setter[0]}(${threads})`);
    } else {
      notes.push(`threads via NEOCOG_THREADS=${threads} (neocog exports no set*Threads yet)`);
    }
  }
  try {
    const r = setBackend(name) as unknown;
    if (r instanceof Promise) await r;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (/unknown backend/.test(msg)) throw new Skip(`neocog backend '${name}' is not registered (${msg})`);
    throw e;
  }
  // An async init hook, if the backend has one (e.g. compiling the wasm module).
  const ready = (neocog as unknown as Record<string, unknown>).ready;
  if (typeof ready === 'function') {
    const r = (ready as AnyFn)();
    if (r instanceof Promise) await r;
  }
  return notes;
}

function fuaNet(): Module {
  return new nn.Sequential(
    new nn.Conv2d(1, 10, 5), new nn.MaxPool2d(2), new nn.ReLU(),
    new nn.Conv2d(10, 20, 5), new nn.MaxPool2d(2), new nn.ReLU(),
    new nn.Flatten(), new nn.Linear(320, 50), new nn.ReLU(), new nn.Linear(50, 10), new nn.LogSoftmax(1),
  );
}

function leNet5(): Module {
  return new nn.Sequential(
    new nn.Conv2d(1, 6, 5, { padding: 2 }), new nn.ReLU(), new nn.AvgPool2d(2),
    new nn.Conv2d(6, 16, 5), new nn.ReLU(), new nn.AvgPool2d(2),
    new nn.Conv2d(16, 120, 5), new nn.ReLU(),
    new nn.Flatten(), new nn.Linear(120, 84), new nn.ReLU(), new nn.Linear(84, 10),
  );
}

/** torchvision BasicBlock: conv3x3-BN-ReLU-conv3x3-BN (+ 1x1 conv-BN projection when the shape changes), then ReLU. */
function basicBlock(inC: number, outC: number, stride: number): Module {
  const body = new nn.Sequential(
    new nn.Conv2d(inC, outC, 3, { stride, padding: 1, bias: false }), new nn.BatchNorm2d(outC), new nn.ReLU(),
    new nn.Conv2d(outC, outC, 3, { padding: 1, bias: false }), new nn.BatchNorm2d(outC),
  );
  const shortcut = stride !== 1 || inC !== outC
    ? new nn.Sequential(new nn.Conv2d(inC, outC, 1, { stride, bias: false }), new nn.BatchNorm2d(outC))
    : null;
  return new nn.Residual(body, { shortcut, activation: new nn.ReLU() });
}

/** ResNet-18, CIFAR variant: 3x3 stem (no max-pool), layers [2,2,2,2] at 64/128/256/512, avg pool, linear 512->10. */
function resNet18Cifar(): Module {
  const layers: Module[] = [];
  let inC = 64;
  for (const [outC, stride] of [[64, 1], [128, 2], [256, 2], [512, 2]]) {
    layers.push(basicBlock(inC, outC, stride), basicBlock(outC, outC, 1));
    inC = outC;
  }
  return new nn.Sequential(
    new nn.Conv2d(3, 64, 3, { padding: 1, bias: false }), new nn.BatchNorm2d(64), new nn.ReLU(),
    ...layers,
    new nn.AdaptiveAvgPool2d(1), new nn.Flatten(), new nn.Linear(512, 10),
  );
}

function train(model: Module, lossFn: Module<[Tensor, Tensor], Tensor>, batch: number): () => number {
  const x = randn([batch, 1, 28, 28]);
  const y = randint(0, 10, [batch]);
  const params = model.parameters();
  const opt = new optim.SGD(params, { lr: 0.01, momentum: 0.9 });
  model.train();
  return () =>
    tidy(() => {
      // Free last step's gradients now rather than at the next GC (the tight-loop idiom).
      for (const p of params) p.grad?.dispose();
      opt.zeroGrad();
      const loss = lossFn.call(model.call(x), y);
      loss.backward();
      opt.step();
      return loss.item();
    });
}

// ---------------------------------------------------------------------------------------------------
// Natural code (W1a-natural, W2a-natural): a Module subclass with nn layers + F ops, a DataLoader, and
// the PyTorch tutorial loop with no tidy, no dispose, no keep. Storage is released by the library
// (end of top-level module/loss calls, after backward) or not at all: that is what these rows measure.

/** W1's FuaNet as a user writes it (log-probabilities out, trained with nllLoss). */
class FuaNet extends nn.Module {
  conv1 = new nn.Conv2d(1, 10, 5);
  conv2 = new nn.Conv2d(10, 20, 5);
  fc1 = new nn.Linear(320, 50);
  fc2 = new nn.Linear(50, 10);
  forward(x: Tensor): Tensor {
    x = F.relu(F.maxPool2d(this.conv1.call(x), { kernelSize: 2 }));
    x = F.relu(F.maxPool2d(this.conv2.call(x), { kernelSize: 2 }));
    x = F.relu(this.fc1.call(x.flatten(1)));
    return F.logSoftmax(this.fc2.call(x), 1);
  }
}

/** W2's LeNet-5 as a user writes it (logits out, trained with crossEntropy). */
class LeNet5 extends nn.Module {
  conv1 = new nn.Conv2d(1, 6, 5, { padding: 2 });
  conv2 = new nn.Conv2d(6, 16, 5);
  conv3 = new nn.Conv2d(16, 120, 5);
  fc1 = new nn.Linear(120, 84);
  fc2 = new nn.Linear(84, 10);
  forward(x: Tensor): Tensor {
    x = F.avgPool2d(F.relu(this.conv1.call(x)), { kernelSize: 2 });
    x = F.avgPool2d(F.relu(this.conv2.call(x)), { kernelSize: 2 });
    x = F.relu(this.conv3.call(x));
    x = F.relu(this.fc1.call(x.flatten(1)));
    return this.fc2.call(x);
  }
}

/**
 * One call = one epoch of a DataLoader over an in-memory dataset holding exactly one batch (the same
 * random batch every step, as WORKLOADS.md asks; the loader's batch copy is ~0.2 MB, noise next to a step).
 */
function trainNatural(model: Module, lossFn: (out: Tensor, y: Tensor) => Tensor, batch: number): () => number {
  const loader = new data.DataLoader(new data.TensorDataset(randn([batch, 1, 28, 28]), randint(0, 10, [batch])), { batchSize: batch });
  const opt = new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  model.train();
  return () => {
    let last = NaN;
    for (const [x, y] of loader) {
      opt.zeroGrad();
      const loss = lossFn(model.call(x), y);
      loss.backward();
      opt.step();
      last = loss.item();
    }
    return last;
  };
}

/** W5: one image, eval mode, no autograd, output read back; plain code (what `predict` on a request does). */
function latency(model: Module, shape: readonly number[]): () => number {
  const x = randn([...shape]);
  model.eval();
  return () => noGrad(() => model.call(x).dataSync()[0]);
}

function infer(model: Module, shape: number[]): () => number {
  const x = randn(shape);
  model.eval();
  return () => noGrad(() => tidy(() => model.call(x).dataSync()[0]));
}

function conv(backward: boolean): () => unknown {
  const { N, C, H, W, K, k } = CONV;
  const x = randn([N, C, H, W], { requiresGrad: backward });
  const w = randn([K, C, k, k], { requiresGrad: backward });
  const b = randn([K], { requiresGrad: backward });
  // The output is freed at the end of each call (tidy), as PyTorch frees it when the next one replaces it.
  if (!backward) return () => noGrad(() => tidy(() => void F.conv2d(x, w, b, { padding: 1 })));
  const y = F.conv2d(x, w, b, { padding: 1 });
  const dy = randn(y.shape);
  const leaves = [x, w, b];
  // The graph is kept between backward calls: each call computes dX, dW and db from dY (no forward).
  return () => {
    for (const t of leaves) {
      t.grad?.dispose();
      t.grad = null;
    }
    tidy(() => y.backward(dy, { retainGraph: true })); // PyTorch: retain_graph=True
  };
}

function sgemm(): () => unknown {
  const a = randn([SGEMM_N, SGEMM_N]);
  const b = randn([SGEMM_N, SGEMM_N]);
  return () => noGrad(() => tidy(() => void matmul(a, b)));
}

export const setup: Setup = async (w: Workload, peer) => {
  const notes = await selectBackend(peer.backend ?? 'reference', peer.threads);
  let step: () => unknown;
  switch (w.id) {
    case 'W1a': step = train(fuaNet(), new nn.NLLLoss(), w.batch); break;
    case 'W1a-natural': step = trainNatural(new FuaNet(), (out, y) => F.nllLoss(out, y), w.batch); break;
    case 'W1b': step = infer(fuaNet(), [w.batch, 1, 28, 28]); break;
    case 'W2a': step = train(leNet5(), new nn.CrossEntropyLoss(), w.batch); break;
    case 'W2a-natural': step = trainNatural(new LeNet5(), (out, y) => F.crossEntropy(out, y), w.batch); break;
    case 'W2b': step = infer(leNet5(), [w.batch, 1, 28, 28]); break;
    case 'W3a': step = conv(false); break;
    case 'W3b': step = conv(true); break;
    case 'W4': step = infer(resNet18Cifar(), [RESNET_BATCH, 3, 32, 32]); break;
    case 'W5a': step = latency(models.resnet18({ numClasses: W5A.classes }), W5A.shape); break;
    case 'W5b': step = latency(models.lenet5({ activation: 'relu' }), W5B_SHAPE); break;
    case 'sgemm': step = sgemm(); break;
    default: throw new Unsupported(`${w.id} is not a neocog workload`);
  }
  const detail = `${backend()}; ${SOURCE}`;
  // A wasm backend that cannot start runs every kernel in reference: that is not a wasm measurement.
  if (peer.backend === 'wasm' && /every kernel falls back to reference/.test(detail)) throw new Skip(detail);
  const said = /(\d+) threads?\b/.exec(detail);
  if (peer.threads !== undefined && said && Number(said[1]) !== peer.threads) notes.push(`WARNING: asked for ${peer.threads} threads, the backend says ${said[1]}`);
  const prepared: Prepared = { step, detail, notes };
  return prepared;
};
