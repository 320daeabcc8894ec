// Probe: interleaved A/B of the same FuaNet training step as plain code and inside tidy (one process,
// alternating rounds, so machine noise hits both alike). Usage: tsx bench/probe/ab.ts [rounds] [batch]
import { nn, optim, F, randn, randint, tidy } from '../../src/index.js';

class FuaNet extends nn.Module {
  conv1 = new nn.Conv2d(1, 10, 5); conv2 = new nn.Conv2d(10, 20, 5);
  fc1 = new nn.Linear(320, 50); fc2 = new nn.Linear(50, 10);
  forward(x: any) {
    x = F.relu(F.maxPool2d(this.conv1.call(x), { kernelSize: 2 }) as any);
    x = F.relu(F.maxPool2d(this.conv2.call(x), { kernelSize: 2 }) as any);
    x = F.relu(this.fc1.call(x.flatten(1)));
    return F.logSoftmax(this.fc2.call(x), 1);
  }
}
const rounds = Number(process.argv[2] ?? 10), batch = Number(process.argv[3] ?? 64), per = 20;
const model = new FuaNet();
const opt = new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
const x = randn([batch, 1, 28, 28]), y = randint(0, 10, [batch]);
const step = () => { opt.zeroGrad(); const loss = F.nllLoss(model.call(x), y); loss.backward(); opt.step(); return loss.item(); };
const t = { natural: [] as number[], tidy: [] as number[] };
for (let r = 0; r < rounds + 1; r++) {
  for (const mode of ['natural', 'tidy'] as const) {
    const t0 = performance.now();
    for (let i = 0; i < per; i++) mode === 'tidy' ? tidy(step) : step();
    if (r > 0) t[mode].push((per * batch) / (performance.now() - t0) * 1000);
  }
}
const med = (a: number[]) => [...a].sort((p, q) => p - q)[a.length >> 1];
console.log(`FuaNet b${batch}: natural ${med(t.natural).toFixed(0)} img/s, tidy ${med(t.tidy).toFixed(0)} img/s, natural/tidy ${(med(t.natural) / med(t.tidy)).toFixed(3)}`);
