/**
 * Module: the base of every layer and model (torch.nn.Module). A module owns parameters, buffers and
 * child modules, each kept in an ordered map so names come out in registration order, dotted like
 * PyTorch's (`features.0.weight`), and a PyTorch state dict loads by name.
 *
 * Registration is explicit (`registerParameter`, `registerBuffer`, `registerModule`) or automatic: a
 * Parameter or Module assigned to a property (`this.fc = new Linear(4, 2)`) is adopted the next time
 * the module is asked about its contents, in the order the properties were created. After adoption the
 * property reads and writes through the registry, so `this.fc = other` or `this.bias = null` keep the
 * slot's position. Plain tensors are never adopted: register buffers explicitly.
 */
import { markEscaped, runModuleCall } from '../autograd/release.js';
import { releaseGrad } from '../autograd/backward.js';
import { Tensor } from '../tensor/tensor.js';
import { isFloat, type DType } from '../tensor/dtype.js';
import { fmtShape } from '../tensor/shape.js';
import { noGrad } from '../autograd/graph.js';
import { keep } from '../autograd/scope.js';
import { cast } from '../ops/elementwise.js';
import { Parameter } from './parameter.js';
import { noExtra } from '../ops/args.js';

export type StateDict = Record<string, Tensor>;
export interface LoadStateDictResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}
export interface HookHandle {
  remove(): void;
}
/** Any module, whatever its forward signature (the element type of containers). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyModule = Module<any[], any>;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ErasedHook = (module: any, inputs: any, output?: any) => any;

interface BufferSlot {
  tensor: Tensor | null;
  persistent: boolean;
}
type Kind = 'parameter' | 'buffer' | 'module';

/** Indents every line but the first (PyTorch's _addindent). */
function indentTail(s: string, n: number): string {
  const pad = ' '.repeat(n);
  return s.split('\n').map((line, i) => (i === 0 ? line : pad + line)).join('\n');
}

export abstract class Module<In extends unknown[] = [Tensor], Out = Tensor> {
  /** Train mode (dropout active, batch norm uses batch statistics); flip with train()/eval(). */
  training = true;
  #parameters = new Map<string, Parameter | null>();
  #buffers = new Map<string, BufferSlot>();
  #modules = new Map<string, AnyModule | null>();
  // Hooks are stored untyped so Module<In, Out> stays assignable to AnyModule; the register methods type them.
  #forwardHooks = new Map<number, ErasedHook>();
  #preHooks = new Map<number, ErasedHook>();
  #nextHookId = 0;

  /** Layers without a constructor of their own take no arguments: one given (new Tanh(x)) is refused, not dropped. */
  constructor() {
    noExtra(new.target.name || 'Module', arguments, 0);
  }

  abstract forward(...args: In): Out;

  /** Runs forward with the registered hooks (forward pre-hooks, then forward hooks). */
  call(...args: In): Out {
    return runModuleCall(() => {
      let inputs = args;
      for (const hook of this.#preHooks.values()) {
        markEscaped(inputs);
        const r = hook(this, inputs) as In | undefined;
        if (r !== undefined) inputs = r;
      }
      let out = this.forward(...inputs);
      for (const hook of this.#forwardHooks.values()) {
        markEscaped([inputs, out]);
        const r = hook(this, inputs, out) as Out | undefined;
        if (r !== undefined) out = r;
      }
      return out;
    });
  }

  /** Whether forward or pre-forward hooks are registered (containers do not fuse such layers away). */
  get hasHooks(): boolean {
    return this.#forwardHooks.size + this.#preHooks.size > 0;
  }

  /** hook(module, inputs, output) after every call(); returning a value replaces the output. */
  registerForwardHook(hook: (module: Module<In, Out>, inputs: In, output: Out) => Out | void): HookHandle {
    const id = this.#nextHookId++;
    this.#forwardHooks.set(id, hook);
    return { remove: () => void this.#forwardHooks.delete(id) };
  }

  /** hook(module, inputs) before every call(); returning an array replaces the inputs. */
  registerForwardPreHook(hook: (module: Module<In, Out>, inputs: In) => In | void): HookHandle {
    const id = this.#nextHookId++;
    this.#preHooks.set(id, hook);
    return { remove: () => void this.#preHooks.delete(id) };
  }

  // ------------------------------------------------------------------------------------------------
  // Registration

  /** Registers a parameter (a plain tensor is wrapped in a Parameter sharing its storage); null reserves the name. Returns what was registered. */
  registerParameter<T extends Tensor | null>(name: string, param: T): T extends null ? null : Parameter {
    this.#checkName('registerParameter', name);
    if (param !== null && !(param instanceof Tensor)) throw new TypeError(`${this.#label()}.registerParameter: '${name}' must be a Tensor, Parameter or null, got ${typeof param}`);
    const p = param === null ? null : param instanceof Parameter ? param : new Parameter(param);
    this.#sync();
    this.#place(name, 'parameter', p);
    return p as T extends null ? null : Parameter;
  }

  /**
   * Registers a buffer: state that is not trained (running statistics). Buffers are kept out of `tidy`
   * scopes like parameters. Non-persistent buffers stay out of the state dict.
   */
  registerBuffer(name: string, tensor: Tensor | null, { persistent = true }: { persistent?: boolean } = {}): void {
    this.#checkName('registerBuffer', name);
    if (tensor !== null && !(tensor instanceof Tensor)) throw new TypeError(`${this.#label()}.registerBuffer: '${name}' must be a Tensor or null, got ${typeof tensor}`);
    this.#sync();
    this.#place(name, 'buffer', tensor, persistent);
  }

  /** Registers a child module under `name` (its parameters get the `name.` prefix). */
  registerModule<M extends AnyModule | null>(name: string, module: M): M {
    this.#checkName('registerModule', name);
    if (module !== null && !(module instanceof Module)) throw new TypeError(`${this.#label()}.registerModule: '${name}' must be a Module or null, got ${typeof module}`);
    this.#sync();
    this.#place(name, 'module', module);
    return module;
  }

  /** Alias of registerModule (PyTorch's add_module). */
  addModule<M extends AnyModule | null>(name: string, module: M): M {
    return this.registerModule(name, module);
  }

  /** The buffer registered as `name` (null if registered as null); throws if there is none. */
  getBuffer(name: string): Tensor | null {
    this.#sync();
    const slot = this.#buffers.get(name);
    if (!slot) throw new Error(`${this.#label()} has no buffer '${name}'`);
    return slot.tensor;
  }

  /** Removes a child module (containers use it to renumber). */
  protected deleteModule(name: string): void {
    this.#sync();
    if (!this.#modules.delete(name)) return;
    if (Object.getOwnPropertyDescriptor(this, name)?.get) delete (this as Record<string, unknown>)[name];
  }

  #label(): string {
    return this.constructor.name;
  }

  #checkName(method: string, name: string): void {
    if (typeof name !== 'string') throw new TypeError(`${this.#label()}.${method}: name must be a string, got ${typeof name}`);
    if (name === '') throw new Error(`${this.#label()}.${method}: name can't be empty`);
    if (name.includes('.')) throw new Error(`${this.#label()}.${method}: name can't contain '.', got '${name}'`);
    const own = Object.getOwnPropertyDescriptor(this, name);
    const managed = this.#parameters.has(name) || this.#buffers.has(name) || this.#modules.has(name);
    if (!managed && own && 'value' in own && own.value !== undefined && !(own.value instanceof Parameter) && !(own.value instanceof Module)) {
      throw new Error(`${this.#label()}.${method}: attribute '${name}' already exists`);
    }
  }

  /** Stores `value` in the registry of `kind` (moving it from another kind) and routes the property through it. */
  #place(name: string, kind: Kind, value: Tensor | AnyModule | null, persistent = true): void {
    if (kind !== 'parameter') this.#parameters.delete(name);
    if (kind !== 'buffer') this.#buffers.delete(name);
    if (kind !== 'module') this.#modules.delete(name);
    if (kind === 'parameter') this.#parameters.set(name, value as Parameter | null);
    else if (kind === 'module') this.#modules.set(name, value as AnyModule | null);
    else this.#buffers.set(name, { tensor: value === null ? null : keep(value as Tensor), persistent });
    this.#defineSlot(name);
  }

  #defineSlot(name: string): void {
    // A name taken by a method or getter (a ModuleDict key like 'keys') lives in the registry only.
    if (name in Object.getPrototypeOf(this)) return;
    const own = Object.getOwnPropertyDescriptor(this, name);
    if (own?.get) return;
    Object.defineProperty(this, name, {
      configurable: true,
      enumerable: true,
      get: () => this.#read(name),
      set: (v: unknown) => this.#write(name, v),
    });
  }

  #read(name: string): unknown {
    if (this.#parameters.has(name)) return this.#parameters.get(name);
    if (this.#buffers.has(name)) return this.#buffers.get(name)!.tensor;
    return this.#modules.get(name);
  }

  /** Assignment to a registered name, with PyTorch's rules for what each kind accepts. */
  #write(name: string, v: unknown): void {
    if (v instanceof Parameter) return this.#place(name, 'parameter', v);
    if (v instanceof Module) return this.#place(name, 'module', v as AnyModule);
    const nil = v === null || v === undefined;
    if (this.#parameters.has(name)) {
      if (!nil) throw new TypeError(`${this.#label()}: cannot assign ${v instanceof Tensor ? 'a plain Tensor' : typeof v} as parameter '${name}' (a Parameter or null is expected; wrap it with new Parameter(t))`);
      this.#parameters.set(name, null);
    } else if (this.#buffers.has(name)) {
      if (!nil && !(v instanceof Tensor)) throw new TypeError(`${this.#label()}: cannot assign ${typeof v} as buffer '${name}' (a Tensor or null is expected)`);
      this.#buffers.get(name)!.tensor = nil ? null : keep(v as Tensor);
    } else if (this.#modules.has(name)) {
      if (!nil) throw new TypeError(`${this.#label()}: cannot assign ${typeof v} as child module '${name}' (a Module or null is expected)`);
      this.#modules.set(name, null);
    }
  }

  /** Adopts Parameters and Modules assigned to plain properties, in property-creation order. */
  #sync(): void {
    for (const key of Object.keys(this)) {
      const desc = Object.getOwnPropertyDescriptor(this, key);
      if (!desc || !('value' in desc)) continue;
      const v: unknown = desc.value;
      const managed = this.#parameters.has(key) || this.#buffers.has(key) || this.#modules.has(key);
      if (v instanceof Parameter || v instanceof Module) {
        delete (this as Record<string, unknown>)[key];
        this.#place(key, v instanceof Parameter ? 'parameter' : 'module', v as Parameter | AnyModule);
      } else if (managed) {
        // A subclass field re-declared a registered name: undefined keeps the slot, anything else is assigned to it.
        delete (this as Record<string, unknown>)[key];
        this.#defineSlot(key);
        if (v !== undefined) this.#write(key, v);
      }
    }
  }

  // ------------------------------------------------------------------------------------------------
  // Traversal

  /** Direct children with their names, in registration order. */
  namedChildren(): [string, AnyModule][] {
    this.#sync();
    const out: [string, AnyModule][] = [];
    const seen = new Set<AnyModule>();
    for (const [name, m] of this.#modules) {
      if (m && !seen.has(m)) {
        seen.add(m);
        out.push([name, m]);
      }
    }
    return out;
  }

  children(): AnyModule[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /** This module and every descendant, pre-order, with dotted names ('' for this one); shared modules once. */
  namedModules({ prefix = '' }: { prefix?: string } = {}): [string, AnyModule][] {
    const out: [string, AnyModule][] = [];
    const seen = new Set<AnyModule>();
    const visit = (m: AnyModule, name: string): void => {
      if (seen.has(m)) return;
      seen.add(m);
      out.push([name, m]);
      for (const [childName, child] of m.#ownModules()) visit(child, name ? `${name}.${childName}` : childName);
    };
    visit(this as unknown as AnyModule, prefix);
    return out;
  }

  modules(): AnyModule[] {
    return this.namedModules().map(([, m]) => m);
  }

  /** This module's own child slots in order: non-null, and a module registered twice listed twice (containers iterate these). */
  protected namedModuleSlots(): [string, AnyModule][] {
    return this.#ownModules();
  }

  #ownModules(): [string, AnyModule][] {
    this.#sync();
    return [...this.#modules].filter((e): e is [string, AnyModule] => e[1] !== null);
  }

  #ownParameters(): [string, Parameter][] {
    this.#sync();
    return [...this.#parameters].filter((e): e is [string, Parameter] => e[1] !== null);
  }

  #ownBuffers(persistentOnly = false): [string, Tensor][] {
    this.#sync();
    const out: [string, Tensor][] = [];
    for (const [name, slot] of this.#buffers) if (slot.tensor && (!persistentOnly || slot.persistent)) out.push([name, slot.tensor]);
    return out;
  }

  /** Parameters with dotted names (`features.0.weight`), in PyTorch's order; a shared parameter once. */
  namedParameters({ prefix = '', recurse = true }: { prefix?: string; recurse?: boolean } = {}): [string, Parameter][] {
    const mods: [string, AnyModule][] = recurse ? this.namedModules({ prefix }) : [[prefix, this as unknown as AnyModule]];
    const out: [string, Parameter][] = [];
    const seen = new Set<Parameter>();
    for (const [modName, m] of mods) {
      for (const [name, p] of m.#ownParameters()) {
        if (seen.has(p)) continue;
        seen.add(p);
        out.push([modName ? `${modName}.${name}` : name, p]);
      }
    }
    return out;
  }

  parameters(opts: { recurse?: boolean } = {}): Parameter[] {
    return this.namedParameters(opts).map(([, p]) => p);
  }

  /** Buffers (persistent or not) with dotted names. */
  namedBuffers({ prefix = '', recurse = true }: { prefix?: string; recurse?: boolean } = {}): [string, Tensor][] {
    const mods: [string, AnyModule][] = recurse ? this.namedModules({ prefix }) : [[prefix, this as unknown as AnyModule]];
    const out: [string, Tensor][] = [];
    const seen = new Set<Tensor>();
    for (const [modName, m] of mods) {
      for (const [name, b] of m.#ownBuffers()) {
        if (seen.has(b)) continue;
        seen.add(b);
        out.push([modName ? `${modName}.${name}` : name, b]);
      }
    }
    return out;
  }

  buffers(opts: { recurse?: boolean } = {}): Tensor[] {
    return this.namedBuffers(opts).map(([, b]) => b);
  }

  /** The descendant at a dotted path ('' is this module), e.g. 'features.3'. */
  getSubmodule<M extends AnyModule = AnyModule>(target: string): M {
    let m: AnyModule = this as unknown as AnyModule;
    if (target === '') return m as M;
    const parts = target.split('.');
    for (let i = 0; i < parts.length; i++) {
      const next = m.#ownModules().find(([n]) => n === parts[i]);
      if (!next) {
        const have = m.#ownModules().map(([n]) => n);
        throw new Error(`getSubmodule: ${m.#label()} at '${parts.slice(0, i).join('.') || '(root)'}' has no child '${parts[i]}' (children: ${have.length ? have.join(', ') : 'none'})`);
      }
      m = next[1];
    }
    return m as M;
  }

  /** The parameter at a dotted path, e.g. 'features.0.weight'. */
  getParameter(target: string): Parameter {
    const dot = target.lastIndexOf('.');
    const owner = this.getSubmodule(dot < 0 ? '' : target.slice(0, dot));
    const p = owner.#ownParameters().find(([n]) => n === target.slice(dot + 1));
    if (!p) throw new Error(`getParameter: ${owner.#label()} has no parameter '${target.slice(dot + 1)}'`);
    return p[1];
  }

  // ------------------------------------------------------------------------------------------------
  // Modes and bulk operations

  /** Sets train mode on this module and every descendant. */
  train(mode = true): this {
    if (typeof mode !== 'boolean') throw new TypeError(`train: mode must be a boolean, got ${typeof mode}`);
    this.training = mode;
    for (const child of this.children()) child.train(mode);
    return this;
  }

  /** Eval mode: dropout off, batch norm uses its running statistics. */
  eval(): this {
    return this.train(false);
  }

  /** Calls fn on every descendant, children first, then on this module (PyTorch's apply). */
  apply(fn: (m: AnyModule) => void): this {
    for (const child of this.children()) child.apply(fn);
    fn(this as unknown as AnyModule);
    return this;
  }

  /** Clears every parameter's gradient (sets it to null). */
  zeroGrad(): void {
    for (const p of this.parameters()) {
      releaseGrad(p.grad, 'zeroGrad() (hint: clone a gradient you want to keep before zeroGrad)');
      p.grad = null;
    }
  }

  /** Turns gradient tracking of every parameter on or off (freezing layers for fine-tuning). */
  requiresGrad_(flag = true): this {
    for (const p of this.parameters()) p.requiresGrad_(flag);
    return this;
  }

  /** Number of parameter elements (trainable ones only if asked). */
  numParameters({ trainableOnly = false }: { trainableOnly?: boolean } = {}): number {
    return this.parameters().reduce((n, p) => n + (trainableOnly && !p.requiresGrad ? 0 : p.size), 0);
  }

  /**
   * Converts floating-point parameters and buffers to `dtype` (e.g. float64 for gradient checks).
   * Parameters are replaced by new Parameter objects: create optimizers after converting.
   */
  to(dtype: DType): this {
    if (!isFloat(dtype)) throw new Error(`to: dtype must be float32 or float64, got ${dtype}`);
    noGrad(() => {
      for (const m of this.modules()) {
        for (const [name, p] of m.#ownParameters()) {
          if (p.dtype !== dtype) m.#place(name, 'parameter', new Parameter(cast(p, dtype), p.requiresGrad));
        }
        for (const [name, slot] of m.#buffers) {
          if (slot.tensor && isFloat(slot.tensor.dtype) && slot.tensor.dtype !== dtype) slot.tensor = keep(cast(slot.tensor, dtype));
        }
      }
    });
    return this;
  }

  float(): this {
    return this.to('float32');
  }

  double(): this {
    return this.to('float64');
  }

  // ------------------------------------------------------------------------------------------------
  // State dict

  /**
   * Parameters and persistent buffers by dotted name, in PyTorch's order (each module's parameters,
   * then its buffers, then its children). Values are detached views unless keepVars.
   */
  stateDict({ prefix = '', keepVars = false }: { prefix?: string; keepVars?: boolean } = {}): StateDict {
    const out: StateDict = {};
    const visit = (m: AnyModule, pre: string): void => {
      for (const [name, p] of m.#ownParameters()) out[pre + name] = keepVars ? p : p.detach();
      for (const [name, b] of m.#ownBuffers(true)) out[pre + name] = keepVars ? b : b.detach();
      for (const [name, child] of m.#ownModules()) visit(child, `${pre}${name}.`);
    };
    visit(this as unknown as AnyModule, prefix);
    return out;
  }

  /**
   * Copies values from a state dict (a Record or Map of name -> Tensor) into this module's parameters
   * and buffers. With strict (default), missing or unexpected keys are an error; a shape mismatch
   * always is. Nothing is copied unless every check passes. Values are cast to each slot's dtype.
   */
  loadStateDict(stateDict: StateDict | Map<string, Tensor>, { strict = true }: { strict?: boolean } = {}): LoadStateDictResult {
    if (stateDict === null || typeof stateDict !== 'object') throw new TypeError(`loadStateDict: expected a Record or Map of name -> Tensor, got ${stateDict === null ? 'null' : typeof stateDict}`);
    const given: Map<string, unknown> = stateDict instanceof Map ? stateDict : new Map(Object.entries(stateDict));
    const own = this.stateDict({ keepVars: true });
    const missingKeys: string[] = [];
    const problems: string[] = [];
    const copies: [Tensor, Tensor][] = [];
    for (const [key, target] of Object.entries(own)) {
      if (!given.has(key)) {
        missingKeys.push(key);
        continue;
      }
      const src = given.get(key);
      if (!(src instanceof Tensor)) {
        problems.push(`value for ${key} is not a Tensor (got ${src === null ? 'null' : typeof src})`);
      } else if (src.shape.length !== target.shape.length || src.shape.some((d, i) => d !== target.shape[i])) {
        problems.push(`size mismatch for ${key}: copying a tensor with shape ${fmtShape(src.shape)} from the state dict, the shape in the current model is ${fmtShape(target.shape)}`);
      } else {
        copies.push([target, src]);
      }
    }
    const unexpectedKeys = [...given.keys()].filter((k) => !Object.hasOwn(own, k)); // not `in`: 'constructor' is in every object
    if (strict) {
      if (missingKeys.length) problems.unshift(`missing key(s) in state dict: ${missingKeys.map((k) => `"${k}"`).join(', ')}`);
      if (unexpectedKeys.length) problems.splice(missingKeys.length ? 1 : 0, 0, `unexpected key(s) in state dict: ${unexpectedKeys.map((k) => `"${k}"`).join(', ')}`);
    }
    if (problems.length) throw new Error(`loadStateDict: error(s) in loading state dict for ${this.#label()}:\n\t${problems.join('\n\t')}`);
    noGrad(() => {
      for (const [target, src] of copies) target.assign(src.dtype === target.dtype ? src : cast(src, target.dtype));
    });
    return { missingKeys, unexpectedKeys };
  }

  // ------------------------------------------------------------------------------------------------
  // Printing

  /** The text inside this module's parentheses, e.g. `1, 10, kernelSize=[5,5]`. Override in layers. */
  extraRepr(): string {
    return '';
  }

  /** The module tree, like PyTorch's repr. */
  toString(): string {
    const lines = this.extraRepr() ? this.extraRepr().split('\n') : [];
    const children = this.#ownModules().map(([name, m]) => `(${name}): ${indentTail(m.toString(), 2)}`);
    let body = '';
    if (children.length) body = `\n  ${[...lines, ...children].join('\n  ')}\n`;
    else if (lines.length === 1) body = lines[0];
    else if (lines.length > 1) body = `\n  ${lines.join('\n  ')}\n`;
    return `${this.#label()}(${body})`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}
