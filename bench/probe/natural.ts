// Probe: a plain PyTorch-style loop (no tidy) vs the same inside tidy. Usage: tsx bench/probe/natural.ts [steps] [mode]
import { nn, optim, F, randn, randint, tidy, backend, memory } from '../../src/index.js';

class FuaNet extends nn.Module<[any], any> {
  conv1 = new nn.Conv2d(1, 10, 5); conv2 = new nn.Conv2d(10, 20, 5);
  fc1 = new nn.Linear(320, 50); fc2 = new nn.Linear(50, 10);
  forward(x: any) {
    x = F.relu(F.maxPool2d(this.conv1.call(x), { kernelSize: 2 }));
    x = F.relu(F.maxPool2d(this.conv2.call(x), { kernelSize: 2 }));
    x = F.relu(this.fc1.call(x.flatten(1)));
    return F.logSoftmax(this.fc2.call(x), 1);
  }
}
const steps = Number(process.argv[2] ?? 200);
const mode = process.argv[3] ?? 'natural';
const model = new FuaNet();
const opt = new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
const x = randn([64, 1, 28, 28]);
const y = randint(0, 10, [64]);
const step = () => { opt.zeroGrad(); const loss = F.nllLoss(model.call(x), y); loss.backward(); opt.step(); return loss.item(); };
console.log(backend());
let t0 = performance.now();
for (let i = 1; i <= steps; i++) {
  if (mode === 'tidy') tidy(step); else step();
  if (i % 50 === 0) {
    const dt = performance.now() - t0; t0 = performance.now();
    const m = memory();
    console.log(`step ${i}: ${(50 * 64 / dt * 1000).toFixed(0)} img/s, buffers ${m.numBuffers} ${(m.numBytes / 2 ** 20).toFixed(1)} MB, rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB`);
  }
}
