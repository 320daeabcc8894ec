// Probe: time per kernel for one model call. Usage: tsx bench/probe/kernels.ts [resnet18|lenet5] [batch] [size]
import { models, noGrad, randn, getBackend } from '../../src/index.js';
const which = process.argv[2] ?? 'resnet18', batch = Number(process.argv[3] ?? 1), size = Number(process.argv[4] ?? 224);
const model = (which === 'resnet18' ? models.resnet18() : models.lenet5()).eval();
const x = which === 'resnet18' ? randn([batch, 3, size, size]) : randn([batch, 1, 28, 28]);
const be = getBackend() as any;
const orig = be.runKernel.bind(be);
const per = new Map<string, [number, number]>();
let on = false;
be.runKernel = (name: string, inputs: any, attrs: any) => {
  const t0 = performance.now();
  const r = orig(name, inputs, attrs);
  if (on) {
    const key = name === 'Conv2D' ? `Conv2D k${inputs[1].shape[2]} s${attrs.stride[0]} ${inputs[0].shape[1]}->${inputs[1].shape[0]} @${inputs[0].shape[2]}` : name;
    const e = per.get(key) ?? [0, 0]; e[0] += performance.now() - t0; e[1]++; per.set(key, e);
  }
  return r;
};
for (let i = 0; i < 3; i++) noGrad(() => model.call(x).dataSync());
on = true;
const reps = 5, t0 = performance.now();
for (let i = 0; i < reps; i++) noGrad(() => model.call(x).dataSync());
const total = (performance.now() - t0) / reps;
const rows = [...per].sort((a, b) => b[1][0] - a[1][0]);
let inK = 0;
for (const [k, [ms, n]] of rows) { inK += ms / reps; console.log(`${(ms / reps).toFixed(2).padStart(8)} ms ${String(n / reps).padStart(4)}x ${k}`); }
console.log(`total ${total.toFixed(1)} ms per call, kernels ${inK.toFixed(1)} ms`);
