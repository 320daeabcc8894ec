// AssemblyScript: the negative log-likelihood of class targets and its gradient, as the reference's
// lossKernels (src/backends/reference/loss.ts): targets in order, the sum in f64, the same roundings.
// logp is [N][C][inner]; target j (j < n = N * inner) picks class target[j] of position j. A target
// outside [0, C) stops the kernel: `bad` gets its position + 1 (nothing else is read or written there).

// @ts-ignore: decorator
@inline function targetAt(target: usize, j: i32): i32 {
  return load<i32>(target + (<usize>j << 2));
}

// @ts-ignore: decorator
@inline function pickAt(j: i32, c: i32, C: i32, inner: i32): usize {
  const b = j / inner;
  return <usize>((b * C + c) * inner + (j - b * inner)) << 2;
}

/** out[0] = -sum(logp at the targets), / n when `mean` (each rounded to f32). */
export function nllLoss(logp: usize, target: usize, out: usize, n: i32, C: i32, inner: i32, mean: i32, bad: usize): void {
  let acc: f64 = 0;
  for (let j = 0; j < n; j++) {
    const c = targetAt(target, j);
    if (c < 0 || c >= C) {
      store<i32>(bad, j + 1);
      return;
    }
    acc += -<f64>load<f32>(logp + pickAt(j, c, C, inner));
  }
  const total = <f32>acc;
  store<f32>(out, mean != 0 ? <f32>(<f64>total / <f64><f32>n) : total);
}

/** dx (n * C floats) = 0 except 0 + -(dy / n) (or -dy) at the targets. */
export function nllLossGrad(dy: usize, target: usize, dx: usize, n: i32, C: i32, inner: i32, mean: i32, bad: usize): void {
  memory.fill(dx, 0, <usize>n * <usize>C << 2);
  const d = load<f32>(dy);
  const g: f32 = mean != 0 ? <f32>(<f64>d / <f64><f32>n) : d;
  // A zero gradient lands as +0, as the reference's 0 + -g.
  const v: f32 = <f32>0 + -g;
  for (let j = 0; j < n; j++) {
    const c = targetAt(target, j);
    if (c < 0 || c >= C) {
      store<i32>(bad, j + 1);
      return;
    }
    store<f32>(dx + pickAt(j, c, C, inner), v);
  }
}
