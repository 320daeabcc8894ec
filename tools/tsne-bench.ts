/** CPU time of inspect.tsne on Gaussian blobs: npx tsx tools/tsne-bench.ts [points=2000] [iterations=750] (docs/INSPECT.md, Speed). */
import { tsne } from '../src/inspect/tsne.js';
// Gaussian blobs in 50-D: 10 classes.
const n = Number(process.argv[2] ?? 2000), d = 50, it = Number(process.argv[3] ?? 750);
let s = 1; const rnd = () => ((s = (s * 16807) % 2147483647) / 2147483647);
const centers = Array.from({ length: 10 }, () => Array.from({ length: d }, () => rnd() * 10));
const x = new Float64Array(n * d);
for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) x[i * d + j] = centers[i % 10][j] + rnd() * 2;
const c0 = process.cpuUsage();
tsne(x, n, d, { iterations: it, random: rnd });
const c = process.cpuUsage(c0);
console.log(n, 'points', it, 'iterations', ((c.user + c.system) / 1e6).toFixed(2), 's cpu');
