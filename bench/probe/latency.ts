// Probe: batch-1 inference latency (W5). Usage: tsx bench/probe/latency.ts [resnet18|lenet5] [iters]
import { models, noGrad, randn, memory } from '../../src/index.js';
const which = process.argv[2] ?? 'resnet18';
const iters = Number(process.argv[3] ?? 10);
const model = which === 'resnet18' ? models.resnet18() : models.lenet5();
model.eval();
const x = which === 'resnet18' ? randn([1, 3, 224, 224]) : randn([1, 1, 28, 28]);
const times: number[] = [];
for (let i = 0; i < iters + 3; i++) {
  const t0 = performance.now();
  noGrad(() => model.call(x).dataSync());
  if (i >= 3) times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
const m = memory();
console.log(`${which} b1: median ${times[times.length >> 1].toFixed(2)} ms, min ${times[0].toFixed(2)} ms; buffers ${m.numBuffers} ${(m.numBytes / 2 ** 20).toFixed(1)} MB`);
