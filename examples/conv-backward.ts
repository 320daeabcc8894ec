import { F, gradcheck, manualSeed, randn, tensor } from 'neocog';

manualSeed(0);
// A batch of two 1-channel 6x6 images and three 3x3 filters.
const x = randn([2, 1, 6, 6], { requiresGrad: true });
const weight = randn([3, 1, 3, 3], { requiresGrad: true });
const bias = tensor([0.1, 0, -0.1], undefined, { requiresGrad: true });

// conv (same padding) -> relu -> 2x2 max-pool -> mean
const y = F.conv2d(x, weight, bias, { stride: 1, padding: 'same' });
const pooled = F.maxPool2d(F.relu(y), { kernelSize: 2 });
const loss = pooled.mean();
loss.backward();

console.log('output', pooled.shape, 'loss', loss.item().toFixed(4));
console.log('dL/dweight', weight.grad!.shape, 'dL/dbias', bias.grad!.toString());

// The gradients agree with central finite differences (float64).
const f = (a: typeof x, w: typeof weight) => F.conv2d(a, w, null, { stride: 2, padding: 1, dilation: 2 });
console.log('gradcheck', gradcheck(f, [randn([1, 1, 7, 7], { dtype: 'float64', requiresGrad: true }), randn([2, 1, 3, 3], { dtype: 'float64', requiresGrad: true })]));
