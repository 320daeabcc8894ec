/** One-time preparation before the timed runs: machine facts, OpenBLAS for PyTorch, ONNX models for ORT. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { cpus, loadavg, totalmem, availableParallelism, release } from 'node:os';
import { join } from 'node:path';

export const PYTHON = '/usr/bin/python3';

export interface Machine {
  cpu: string;
  cores: number;
  memGiB: number;
  node: string;
  os: string;
  loadAvg: number[];
  avx512: boolean;
}

export function machine(): Machine {
  let cpu = cpus()[0]?.model ?? 'unknown';
  let avx512 = false;
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    cpu = /^model name\s*:\s*(.+)$/m.exec(info)?.[1] ?? cpu;
    avx512 = /\bavx512f\b/.test(info);
  } catch {
    // not Linux
  }
  return {
    cpu,
    cores: availableParallelism(),
    memGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    os: `${process.platform} ${release()}`,
    loadAvg: loadavg().map((x) => Math.round(x * 100) / 100),
    avx512,
  };
}

export function hasCommand(cmd: string, args: string[] = ['--version']): boolean {
  return spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
}

export interface TorchEnv {
  available: boolean;
  /** Why not, or what it runs with. */
  note: string;
  version?: string;
  env: Record<string, string>;
  /** The environment prefix shown in the commands section. */
  envShown: string;
}

/**
 * glibc's allocator told to keep freed memory (mmap threshold 32 MiB, trim threshold 16 GiB), what
 * jemalloc/tcmalloc do and PyTorch CPU tuning guides advise. Without it oneDNN's per-call buffers come
 * from fresh mmaps and page-fault on every call (slow on these machines: PyTorch's conv 4–6× slower).
 */
export const GLIBC_TUNABLES = 'glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=17179869184';
/** Ours after any tunables the caller already set (the later setting of a tunable wins). */
const tunables = () => [process.env.GLIBC_TUNABLES, GLIBC_TUNABLES].filter(Boolean).join(':');

/**
 * PyTorch as Debian ships it links netlib's reference BLAS; WORKLOADS.md asks for OpenBLAS (openmp
 * flavour), unpacked with `apt-get download` + `dpkg -x` into bench/.cache/openblas and put first on
 * LD_LIBRARY_PATH. Falls back to the stock torch (and says so) when that is not possible. Either way the
 * child runs with GLIBC_TUNABLES (above).
 */
export function torchEnv(cacheDir: string, m: Machine): TorchEnv {
  const probe = spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    const why = existsSync(PYTHON) ? `\`${PYTHON} -c 'import torch'\` fails (${(probe.stderr || '').trim().split('\n').pop()})` : `${PYTHON} not found`;
    return { available: false, note: `PyTorch not available: ${why}`, env: {}, envShown: '' };
  }
  const version = probe.stdout.trim();
  const dir = join(cacheDir, 'openblas');
  const lib = join(dir, 'usr/lib/x86_64-linux-gnu/openblas-openmp');
  let why = '';
  if (!existsSync(join(lib, 'libblas.so.3'))) {
    mkdirSync(dir, { recursive: true });
    const dl = spawnSync('apt-get', ['download', 'libopenblas0-openmp'], { cwd: dir, encoding: 'utf8', timeout: 180_000 });
    const deb = existsSync(dir) ? readdirSync(dir).find((f) => f.startsWith('libopenblas0-openmp') && f.endsWith('.deb')) : undefined;
    if (!deb) why = `apt-get download libopenblas0-openmp failed: ${(dl.stderr || dl.error?.message || '').trim().split('\n').pop()}`;
    else {
      const x = spawnSync('dpkg', ['-x', deb, '.'], { cwd: dir, encoding: 'utf8' });
      if (x.status !== 0) why = `dpkg -x failed: ${(x.stderr || '').trim()}`;
    }
  }
  if (!why && existsSync(join(lib, 'libblas.so.3'))) {
    const env: Record<string, string> = { GLIBC_TUNABLES: tunables(), LD_LIBRARY_PATH: [lib, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':') };
    // The environment may preset OPENBLAS_CORETYPE=Haswell, which halves sgemm on AVX-512 machines.
    if (m.avx512) env.OPENBLAS_CORETYPE = 'SkylakeX';
    const shown = `GLIBC_TUNABLES=${GLIBC_TUNABLES} LD_LIBRARY_PATH=bench/.cache/openblas/usr/lib/x86_64-linux-gnu/openblas-openmp${m.avx512 ? ' OPENBLAS_CORETYPE=SkylakeX' : ''}`;
    return { available: true, version, note: `torch ${version} with OpenBLAS (openmp) from libopenblas0-openmp${m.avx512 ? ', OPENBLAS_CORETYPE=SkylakeX' : ''}, glibc malloc keeping freed memory (GLIBC_TUNABLES)`, env, envShown: shown };
  }
  return {
    available: true,
    version,
    note: `torch ${version} with its stock BLAS (slow netlib reference sgemm; OpenBLAS unavailable: ${why || 'library missing after unpack'}), glibc malloc keeping freed memory (GLIBC_TUNABLES)`,
    env: { GLIBC_TUNABLES: tunables() },
    envShown: `GLIBC_TUNABLES=${GLIBC_TUNABLES}`,
  };
}

const ONNX_MODELS = ['fuanet_b256', 'lenet5_b256', 'conv_w3', 'resnet18_cifar_b32', 'resnet18_b1', 'lenet5_b1'];

/** Exports the ONNX models (once; again when the model scripts change). Returns null when ready, else why not. */
export function exportOnnx(root: string, onnxDir: string, torch: TorchEnv): string | null {
  const scripts = ['bench/peers/export_onnx.py', 'bench/peers/torch_models.py'].map((p) => statSync(join(root, p)).mtimeMs);
  const fresh = ONNX_MODELS.every((n) => {
    const p = join(onnxDir, `${n}.onnx`);
    return existsSync(p) && statSync(p).mtimeMs > Math.max(...scripts);
  });
  if (fresh) return null;
  if (!torch.available) return `no ONNX models and ${torch.note}`;
  const r = spawnSync(PYTHON, [join(root, 'bench/peers/export_onnx.py'), onnxDir], { encoding: 'utf8', env: { ...process.env, ...torch.env }, timeout: 300_000 });
  if (r.status !== 0) return `torch.onnx.export failed: ${(r.stderr || r.error?.message || '').trim().split('\n').slice(-2).join(' ')}`;
  return null;
}

/** Installed version of an npm package, or null. */
export function pkgVersion(root: string, name: string): string | null {
  try {
    return (JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return null;
  }
}

/**
 * Whether the neocog peers load the compiled package (dist/, tsc output: what `npm install neocog` runs)
 * rather than the sources through tsx: only when dist/index.js is at least as new as every file in src/.
 * (tsx compiles with esbuild's keepNames, which wraps every closure a kernel call creates in a naming
 * helper: ~10% of a LeNet-5 batch-1 call.)
 */
export function neocogFromDist(root: string): boolean {
  const entry = join(root, 'dist', 'index.js');
  if (!existsSync(entry)) return false;
  const built = statSync(entry).mtimeMs;
  const newest = (dir: string): number => readdirSync(dir, { withFileTypes: true })
    .reduce((t, e) => Math.max(t, e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs), 0);
  return newest(join(root, 'src')) <= built;
}
