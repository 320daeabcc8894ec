/**
 * The Optimizer base, with PyTorch's semantics: parameter groups (each carrying its own
 * hyperparameters), per-parameter state keyed by tensor, zeroGrad/step, and a serializable
 * stateDict that refers to parameters by index (flattened over the groups, in order).
 */
import { Tensor } from '../tensor/tensor.js';
import { tensor, zerosLike } from '../tensor/creation.js';
import type { DType } from '../tensor/dtype.js';
import { enableGrad, noGrad } from '../autograd/graph.js';
import { keep, tidy } from '../autograd/scope.js';
import { releaseGrad } from '../autograd/backward.js';
import { NeocogError } from '../ops/validate.js';
import { show } from '../ops/args.js';
import { assertTensor } from '../ops/validate.js';

/** Hyperparameters every optimizer has. */
export interface BaseHyper {
  lr: number;
}

/** A parameter group: its tensors, its hyperparameters, and any extra keys (e.g. a scheduler's `initialLr`). */
export type ParamGroup<H extends BaseHyper = BaseHyper> = H & { params: Tensor[]; [extra: string]: unknown };

/** What the constructor and addParamGroup accept: params plus overrides of the optimizer's defaults. */
export type ParamGroupInput<H extends BaseHyper = BaseHyper> = Partial<H> & { params: Iterable<Tensor>; [extra: string]: unknown };

/** One parameter's state: step counters (numbers) and buffers (tensors, same shape as the parameter). */
export type ParamState = Record<string, Tensor | number>;

/** A tensor in a state dict: plain arrays, so the whole dict survives JSON. */
export interface SerializedTensor {
  shape: number[];
  dtype: DType;
  data: number[];
}

export interface OptimizerStateDict {
  /** Keyed by the parameter's index (flattened over groups, as in PyTorch); stepped params only. */
  state: Record<string, Record<string, number | SerializedTensor>>;
  /** Group hyperparameters, with `params` as indices. */
  paramGroups: (Record<string, unknown> & { params: number[] })[];
}

export function serializeTensor(t: Tensor): SerializedTensor {
  assertTensor('serializeTensor', 't', t);
  return { shape: [...t.shape], dtype: t.dtype, data: Array.from(t.dataSync()) };
}

function isSerializedTensor(v: unknown): v is SerializedTensor {
  return typeof v === 'object' && v !== null && Array.isArray((v as SerializedTensor).shape) && Array.isArray((v as SerializedTensor).data);
}

/** JSON-style deep copy for hyperparameter values (arrays such as betas must not be shared). */
function copyValue<T>(v: T): T {
  return Array.isArray(v) ? (v.map(copyValue) as T) : v && typeof v === 'object' ? (Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copyValue(x)])) as T) : v;
}

function isParamGroupInput(v: unknown): v is ParamGroupInput {
  return typeof v === 'object' && v !== null && !(v instanceof Tensor) && 'params' in v;
}

export abstract class Optimizer<H extends BaseHyper = BaseHyper> {
  /** The name errors start with (the class name unless a subclass says otherwise). */
  readonly name: string;
  readonly defaults: H;
  readonly paramGroups: ParamGroup<H>[] = [];
  readonly state = new Map<Tensor, ParamState>();

  constructor(params: Iterable<Tensor> | Iterable<ParamGroupInput<H>>, defaults: H, name?: string) {
    this.name = name ?? new.target.name;
    this.defaults = defaults;
    const list = params === null || params === undefined || typeof (params as Iterable<unknown>)[Symbol.iterator] !== 'function'
      ? this.fail(`params must be an array of tensors or of param groups, got ${params === null ? 'null' : typeof params}`)
      : [...(params as Iterable<Tensor | ParamGroupInput<H>>)];
    if (list.length === 0) this.fail('got an empty parameter list');
    if (list.every(isParamGroupInput)) for (const g of list as ParamGroupInput<H>[]) this.addParamGroup(g);
    else if (list.some(isParamGroupInput)) this.fail('params must be all tensors or all param groups, not a mix');
    else this.addParamGroup({ params: list as Tensor[] } as unknown as ParamGroupInput<H>);
  }

  /** Throws `Name: message`. */
  protected fail(message: string): never {
    throw new NeocogError(this.name, message);
  }

  /** Adds a group; options it leaves out come from the optimizer's defaults. */
  addParamGroup(input: ParamGroupInput<H>): void {
    if (!isParamGroupInput(input)) this.fail('a param group must be an object with a `params` array');
    const raw = input.params as unknown;
    const params: unknown[] = raw instanceof Tensor ? [raw] : raw && typeof (raw as Iterable<unknown>)[Symbol.iterator] === 'function' ? [...(raw as Iterable<unknown>)] : this.fail('a param group\'s params must be an array of tensors');
    if (params.length === 0) this.fail(`param group ${this.paramGroups.length} has no params`);
    const seen = new Set<Tensor>(this.paramGroups.flatMap((g) => g.params));
    const mine = new Set<Tensor>();
    params.forEach((p, i) => {
      if (!(p instanceof Tensor)) this.fail(`param ${i} of group ${this.paramGroups.length} is not a Tensor (got ${p === null ? 'null' : typeof p})`);
      if (!p.isLeaf) this.fail(`can't optimize a non-leaf tensor (param ${i} of group ${this.paramGroups.length}, produced by ${p.gradFn?.op}); use a leaf, e.g. x.detach().requiresGrad_()`);
      if (seen.has(p) || mine.has(p)) this.fail(`some parameters appear in more than one parameter group (param ${i} of group ${this.paramGroups.length} [${p.shape.join(',')}])`);
      mine.add(p);
    });
    const group = { ...copyValue(this.defaults) } as Record<string, unknown>;
    for (const [k, v] of Object.entries(input)) if (k !== 'params' && v !== undefined) group[k] = copyValue(v);
    group.params = params as Tensor[];
    this.validateGroup(group as ParamGroup<H>);
    this.paramGroups.push(group as ParamGroup<H>);
  }

  /** Checks a group's hyperparameters; subclasses extend it. */
  protected validateGroup(group: ParamGroup<H>): void {
    this.checkNumber('lr', group.lr, { min: 0 });
  }

  /** `Name: option must be >= min, got value` style checks. */
  protected checkNumber(option: string, v: unknown, { min = -Infinity, max = Infinity, maxExclusive = false } = {}): void {
    if (typeof v !== 'number' || Number.isNaN(v)) this.fail(`${option} must be a number, got ${show(v)}`);
    if (v < min) this.fail(`${option} must be >= ${min}, got ${v}`);
    if (maxExclusive ? v >= max : v > max) this.fail(`${option} must be ${maxExclusive ? '<' : '<='} ${max}, got ${v}`);
  }

  protected checkBoolean(option: string, v: unknown): void {
    if (typeof v !== 'boolean') this.fail(`${option} must be true or false, got ${show(v)}`);
  }

  /** Sets every parameter's gradient to null (or to zeros with `{ setToNone: false }`). */
  zeroGrad({ setToNone = true }: { setToNone?: boolean } = {}): void {
    for (const g of this.paramGroups) {
      for (const p of g.params) {
        if (p.grad === null) continue;
        if (setToNone) {
          releaseGrad(p.grad, 'zeroGrad() (hint: clone a gradient you want to keep before zeroGrad)');
          p.grad = null;
        } else p.grad.assign(zerosLike(p.grad));
      }
    }
  }

  /**
   * Updates every parameter that has a gradient (params with grad === null are skipped). The
   * optional closure re-evaluates the model and returns the loss (run with gradients enabled).
   */
  step<T = undefined>(closure?: () => T): T | undefined {
    const loss = closure ? enableGrad(closure) : undefined;
    noGrad(() =>
      tidy(() => {
        for (const group of this.paramGroups) {
          for (const p of group.params) {
            if (p.grad === null) continue;
            if (p.grad.shape.length !== p.shape.length || p.grad.shape.some((d, i) => d !== p.shape[i])) {
              this.fail(`gradient shape [${p.grad.shape.join(',')}] does not match param shape [${p.shape.join(',')}]`);
            }
            let st = this.state.get(p);
            if (!st) this.state.set(p, (st = {}));
            this.updateParam(p, p.grad, group, st);
          }
        }
      }),
    );
    return loss;
  }

  /**
   * One parameter's update. Runs under noGrad inside a tidy scope: write with `p.assign(...)` and
   * `buffer.assign(...)`; create buffers with `this.buffer(...)` so the scope never frees them.
   */
  protected abstract updateParam(p: Tensor, grad: Tensor, group: ParamGroup<H>, state: ParamState): void;

  /** Marks a new state tensor to outlive tidy scopes. */
  protected buffer(t: Tensor): Tensor {
    return keep(t);
  }

  /** The state tensor `key` (created by `init` on first use). */
  protected stateTensor(state: ParamState, key: string, init: () => Tensor): Tensor {
    const v = state[key];
    if (v instanceof Tensor) return v;
    const t = keep(init());
    state[key] = t;
    return t;
  }

  stateDict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    const paramGroups = this.paramGroups.map((g) => {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(g)) if (k !== 'params') out[k] = copyValue(v);
      out.params = g.params.map((p) => {
        if (!index.has(p)) index.set(p, index.size);
        return index.get(p)!;
      });
      return out as Record<string, unknown> & { params: number[] };
    });
    const state: OptimizerStateDict['state'] = {};
    for (const [p, i] of index) {
      const st = this.state.get(p);
      if (!st) continue;
      const entry: Record<string, number | SerializedTensor> = {};
      for (const [k, v] of Object.entries(st)) entry[k] = v instanceof Tensor ? serializeTensor(v) : v;
      state[String(i)] = entry;
    }
    return { state, paramGroups };
  }

  /** Restores hyperparameters and state saved by stateDict (the groups must have the same sizes). */
  loadStateDict(dict: OptimizerStateDict): void {
    if (!dict || !Array.isArray(dict.paramGroups) || typeof dict.state !== 'object') this.fail('loadStateDict: expected { state, paramGroups }');
    if (dict.paramGroups.length !== this.paramGroups.length) {
      this.fail(`loadStateDict: the state dict has ${dict.paramGroups.length} parameter groups, the optimizer has ${this.paramGroups.length}`);
    }
    const byIndex = new Map<number, Tensor>();
    dict.paramGroups.forEach((saved, gi) => {
      const mine = this.paramGroups[gi];
      if (!Array.isArray(saved.params) || saved.params.length !== mine.params.length) {
        this.fail(`loadStateDict: parameter group ${gi} has ${saved.params?.length} params in the state dict but ${mine.params.length} in the optimizer`);
      }
      saved.params.forEach((idx, j) => byIndex.set(idx, mine.params[j]));
    });
    const newState = new Map<Tensor, ParamState>();
    for (const [key, entry] of Object.entries(dict.state)) {
      const p = byIndex.get(Number(key));
      if (!p) this.fail(`loadStateDict: state refers to param ${key}, which no group lists`);
      const st: ParamState = {};
      for (const [k, v] of Object.entries(entry)) {
        if (isSerializedTensor(v)) {
          if (v.shape.length !== p.shape.length || v.shape.some((d, i) => d !== p.shape[i])) {
            this.fail(`loadStateDict: state ${k} of param ${key} has shape [${v.shape.join(',')}] but the param has [${p.shape.join(',')}]`);
          }
          st[k] = keep(tensor(v.data, [...v.shape], { dtype: p.dtype }));
        } else st[k] = v;
      }
      newState.set(p, st);
    }
    this.state.clear();
    for (const [p, st] of newState) this.state.set(p, st);
    dict.paramGroups.forEach((saved, gi) => {
      const group = this.paramGroups[gi] as Record<string, unknown>;
      for (const [k, v] of Object.entries(saved)) if (k !== 'params') group[k] = copyValue(v);
    });
  }
}
