/**
 * Connection patterns as modules: residual (ResNet), concatenating branches (Inception), dense
 * concatenation (DenseNet), summed branches, and Lambda for wrapping a function.
 */
import type { Tensor } from '../tensor/tensor.js';
import { fmtShape, shapesEqual } from '../tensor/shape.js';
import { add } from '../ops/elementwise.js';
import { cat } from '../ops/shape.js';
import { Module, type AnyModule } from './module.js';
import { checkInt, fail, layerConfig, type LayerConfig } from './util.js';
import { options } from '../ops/args.js';

function checkModule(layer: string, arg: string, m: unknown): AnyModule {
  if (!(m instanceof Module)) fail(layer, `${arg} must be a Module, got ${m === null ? 'null' : typeof m}`, 'wrap functions with new Lambda(fn)');
  return m as AnyModule;
}

function checkBranches(layer: string, branches: readonly AnyModule[] | Record<string, AnyModule>): [string, AnyModule][] {
  const entries: [string, unknown][] = Array.isArray(branches) ? branches.map((b, i) => [String(i), b]) : Object.entries(branches ?? {});
  if (entries.length === 0) fail(layer, 'needs at least one branch');
  return entries.map(([k, b]) => [k, checkModule(layer, `branch '${k}'`, b)]);
}

export interface ResidualOptions {
  /** Applied to x before the sum (e.g. a strided 1x1 conv + batch norm); identity when left out. */
  shortcut?: AnyModule | null;
  /** Applied after the sum (e.g. ReLU). */
  activation?: AnyModule | null;
}

/** y = activation(body(x) + shortcut(x)); children 'body', 'shortcut', 'activation' (when given). */
export class Residual<B extends AnyModule = AnyModule> extends Module {
  readonly body: B;
  readonly shortcut: AnyModule | null;
  readonly activation: AnyModule | null;

  constructor(body: B, opts: ResidualOptions = {}) {
    const { shortcut = null, activation = null } = options<ResidualOptions>('Residual', opts, ['shortcut', 'activation']);
    super();
    this.body = checkModule('Residual', 'body', body) as B;
    this.shortcut = shortcut === null ? null : checkModule('Residual', 'shortcut', shortcut);
    this.activation = activation === null ? null : checkModule('Residual', 'activation', activation);
  }

  forward(x: Tensor): Tensor {
    const y = this.body.call(x) as Tensor;
    const s = this.shortcut ? (this.shortcut.call(x) as Tensor) : x;
    if (!shapesEqual(y.shape, s.shape)) {
      fail('Residual', `body output ${fmtShape(y.shape)} and shortcut output ${fmtShape(s.shape)} differ (input ${fmtShape(x.shape)})`,
        this.shortcut ? 'make the shortcut produce the body\'s shape' : 'give a shortcut that matches the body, e.g. a 1x1 Conv2d with the same stride and output channels');
    }
    const out = add(y, s);
    return this.activation ? (this.activation.call(out) as Tensor) : out;
  }

  /** No options: body, shortcut and activation are children (LayerConfig). */
  config(): LayerConfig {
    return {};
  }
}

/** Runs every branch on the same input and concatenates the outputs along dim (Inception). Children '0', '1', ... or the Record's keys. */
export class Concat extends Module {
  readonly dim: number;

  constructor(branches: readonly AnyModule[] | Record<string, AnyModule>, { dim = 1 }: { dim?: number } = {}) {
    super();
    this.dim = checkInt('Concat', 'dim', dim);
    for (const [k, b] of checkBranches('Concat', branches)) this.registerModule(k, b);
  }

  forward(x: Tensor): Tensor {
    return cat(this.namedModuleSlots().map(([, b]) => b.call(x) as Tensor), this.dim);
  }

  override extraRepr(): string {
    return `dim=${this.dim}`;
  }

  config(): LayerConfig {
    return layerConfig({ dim: this.dim }, { dim: 1 });
  }
}

/** DenseNet's connection: y = cat([x, body(x)], dim), so features accumulate. Child 'body'. */
export class DenseConcat<B extends AnyModule = AnyModule> extends Module {
  readonly dim: number;
  readonly body: B;

  constructor(body: B, { dim = 1 }: { dim?: number } = {}) {
    super();
    this.dim = checkInt('DenseConcat', 'dim', dim);
    this.body = checkModule('DenseConcat', 'body', body) as B;
  }

  forward(x: Tensor): Tensor {
    return cat([x, this.body.call(x) as Tensor], this.dim);
  }

  override extraRepr(): string {
    return `dim=${this.dim}`;
  }

  config(): LayerConfig {
    return layerConfig({ dim: this.dim }, { dim: 1 });
  }
}

/** Runs every branch on the same input and sums the outputs (shapes must match). */
export class Add extends Module {
  constructor(branches: readonly AnyModule[] | Record<string, AnyModule>) {
    super();
    for (const [k, b] of checkBranches('Add', branches)) this.registerModule(k, b);
  }

  forward(x: Tensor): Tensor {
    const outs = this.namedModuleSlots().map(([k, b]) => [k, b.call(x) as Tensor] as const);
    const [k0, first] = outs[0];
    let y = first;
    for (const [k, o] of outs.slice(1)) {
      if (!shapesEqual(o.shape, first.shape)) fail('Add', `branch '${k}' output ${fmtShape(o.shape)} differs from branch '${k0}' output ${fmtShape(first.shape)}`);
      y = add(y, o);
    }
    return y;
  }

  config(): LayerConfig {
    return {};
  }
}

/** Wraps a function as a module (handy inside Sequential); it has no parameters. */
export class Lambda extends Module {
  readonly fn: (x: Tensor) => Tensor;
  readonly #name: string;

  constructor(fn: (x: Tensor) => Tensor, name?: string) {
    super();
    if (typeof fn !== 'function') fail('Lambda', `fn must be a function, got ${typeof fn}`);
    this.fn = fn;
    this.#name = name ?? (fn.name || 'fn');
  }

  forward(x: Tensor): Tensor {
    return this.fn(x);
  }

  override extraRepr(): string {
    return this.#name;
  }
}
