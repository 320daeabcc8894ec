/** Containers: Sequential, ModuleList and ModuleDict. */
import type { Tensor } from '../tensor/tensor.js';
import { Module, type AnyModule } from './module.js';
import { runChain } from './fusion.js';
import { fail, type LayerConfig } from './util.js';
import { isPlainObject, show } from '../ops/args.js';

type NamedModules = Record<string, AnyModule> | Map<string, AnyModule>;

function checkModule(container: string, key: string, m: unknown): AnyModule {
  if (!(m instanceof Module)) fail(container, `entry ${key} must be a Module, got ${m === null ? 'null' : typeof m}`, 'wrap functions with new Lambda(fn)');
  return m as AnyModule;
}

function entriesOf(container: string, named: NamedModules): [string, AnyModule][] {
  const entries = named instanceof Map ? [...named] : Object.entries(named);
  return entries.map(([k, m]) => [k, checkModule(container, `'${k}'`, m)]);
}

function normIndex(container: string, i: number, n: number): number {
  if (!Number.isInteger(i)) fail(container, `index must be an integer, got ${show(i)}`);
  const j = i < 0 ? i + n : i;
  if (j < 0 || j >= n) fail(container, `index ${i} is out of range for ${n} modules`);
  return j;
}

/**
 * Runs its children in order: new Sequential(a, b, c) names them '0', '1', '2'; a Record or Map gives
 * names (a Record's integer-like keys come first, in numeric order: use a Map for full control).
 */
export class Sequential extends Module<[Tensor], Tensor> {
  constructor(...modules: AnyModule[] | [NamedModules]) {
    super();
    const first = modules[0] as unknown;
    if (modules.length === 1 && !(first instanceof Module) && first !== null && typeof first === 'object') {
      for (const [name, m] of entriesOf('Sequential', first as NamedModules)) this.registerModule(name, m);
    } else {
      (modules as unknown[]).forEach((m, i) => this.registerModule(String(i), checkModule('Sequential', String(i), m)));
    }
  }

  /** Children in order, a module registered twice included each time (as PyTorch's forward runs them). */
  protected entries(): [string, AnyModule][] {
    return this.namedModuleSlots();
  }

  get length(): number {
    return this.entries().length;
  }

  /** The i-th module (negative counts from the end); the type argument narrows it: at<Conv2d>(0). */
  at<M extends AnyModule = AnyModule>(i: number): M {
    const e = this.entries();
    return e[normIndex('Sequential', i, e.length)][1] as M;
  }

  /** A Sequential of modules start..end (keeping their names, as PyTorch's slicing does). */
  slice(start = 0, end?: number): Sequential {
    return new Sequential(new Map(this.entries().slice(start, end)));
  }

  append(module: AnyModule): this {
    this.registerModule(String(this.entries().length), checkModule('Sequential', 'appended', module));
    return this;
  }

  [Symbol.iterator](): Iterator<AnyModule> {
    return this.entries().map(([, m]) => m)[Symbol.iterator]();
  }

  /** Runs the children in order; under noGrad, Conv2d + eval-mode BatchNorm2d / ReLU run as one conv (nn/fusion.ts). */
  forward(x: Tensor): Tensor {
    return runChain(this.entries().map(([, m]) => m), x);
  }

  /** No options: a container is its children (LayerConfig). */
  config(): LayerConfig {
    return {};
  }
}

/** A list of modules, registered as '0', '1', ... (no forward: index or iterate it in your own). */
export class ModuleList extends Module<never[], never> {
  /** modules: an array (or other iterable) of Modules; null is none, as PyTorch's ModuleList(None). */
  constructor(modules: Iterable<AnyModule> | null = []) {
    super();
    if (modules === null) return;
    if (typeof modules !== 'object' || !(Symbol.iterator in modules)) fail('ModuleList', `modules must be an array of Modules, got ${show(modules)}`);
    this.extend(modules);
  }

  get length(): number {
    return this.namedModuleSlots().length;
  }

  at<M extends AnyModule = AnyModule>(i: number): M {
    const e = this.namedModuleSlots();
    return e[normIndex('ModuleList', i, e.length)][1] as M;
  }

  append(module: AnyModule): this {
    this.registerModule(String(this.length), checkModule('ModuleList', 'appended', module));
    return this;
  }

  extend(modules: Iterable<AnyModule>): this {
    for (const m of modules) this.append(m);
    return this;
  }

  /** Inserts before index i, renumbering the rest. */
  insert(i: number, module: AnyModule): this {
    const list = this.namedModuleSlots().map(([, m]) => m);
    const j = i === list.length ? i : normIndex('ModuleList', i, list.length);
    list.splice(j, 0, checkModule('ModuleList', 'inserted', module));
    this.renumber(list);
    return this;
  }

  /** Removes and returns the module at index i, renumbering the rest. */
  pop(i = -1): AnyModule {
    const list = this.namedModuleSlots().map(([, m]) => m);
    const [m] = list.splice(normIndex('ModuleList', i, list.length), 1);
    this.renumber(list);
    return m;
  }

  private renumber(list: AnyModule[]): void {
    for (const [name] of this.namedModuleSlots()) this.deleteModule(name);
    list.forEach((m, k) => this.registerModule(String(k), m));
  }

  [Symbol.iterator](): Iterator<AnyModule> {
    return this.namedModuleSlots().map(([, m]) => m)[Symbol.iterator]();
  }

  forward(): never {
    throw new Error('ModuleList has no forward: iterate over it (for (const layer of list) x = layer.call(x))');
  }

  config(): LayerConfig {
    return {};
  }
}

/** Modules by name, in insertion order (a key that shadows a method is reachable through get()). */
export class ModuleDict extends Module<never[], never> {
  /** modules: a Record or Map of name -> Module; null is none, as PyTorch's ModuleDict(None). */
  constructor(modules: NamedModules | null = {}) {
    super();
    if (modules === null) return;
    if (!(modules instanceof Map) && !isPlainObject(modules)) fail('ModuleDict', `modules must be an object or Map of name -> Module, got ${show(modules)}`);
    this.update(modules);
  }

  get<M extends AnyModule = AnyModule>(key: string): M {
    const e = this.namedModuleSlots().find(([k]) => k === key);
    if (!e) fail('ModuleDict', `no module named '${key}' (keys: ${this.keys().join(', ') || 'none'})`);
    return e[1] as M;
  }

  set(key: string, module: AnyModule): this {
    this.registerModule(key, checkModule('ModuleDict', `'${key}'`, module));
    return this;
  }

  has(key: string): boolean {
    return this.namedModuleSlots().some(([k]) => k === key);
  }

  delete(key: string): boolean {
    const had = this.has(key);
    this.deleteModule(key);
    return had;
  }

  update(modules: NamedModules): this {
    for (const [k, m] of entriesOf('ModuleDict', modules)) this.registerModule(k, m);
    return this;
  }

  keys(): string[] {
    return this.namedModuleSlots().map(([k]) => k);
  }

  values(): AnyModule[] {
    return this.namedModuleSlots().map(([, m]) => m);
  }

  entries(): [string, AnyModule][] {
    return this.namedModuleSlots();
  }

  get size(): number {
    return this.namedModuleSlots().length;
  }

  [Symbol.iterator](): Iterator<[string, AnyModule]> {
    return this.entries()[Symbol.iterator]();
  }

  forward(): never {
    throw new Error("ModuleDict has no forward: look modules up with get(key)");
  }

  config(): LayerConfig {
    return {};
  }
}
