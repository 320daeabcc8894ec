/**
 * The tree form: a module tree to spec nodes (toNode) and back (buildNode), plus the shape check that
 * runs a built model once on zeros and names the layer an op error came from.
 */
import { Module, type AnyModule } from '../nn/module.js';
import { Sequential } from '../nn/container.js';
import { Tensor } from '../tensor/tensor.js';
import { zeros } from '../tensor/creation.js';
import { fmtShape } from '../tensor/shape.js';
import { noGrad } from '../autograd/graph.js';
import { tidy } from '../autograd/scope.js';
import { layerType, requireLayerType, typeOfModule, type LayerType } from './registry.js';
import { SpecError, didYouMean, kindOf, type JsonValue, type NodeSpec, type SpecOptions } from './types.js';

/** How a layer is named in messages: `layer 'features.0' (Conv2d) at model.children.features.children.0: `. */
export function label(layer: string, type: string | undefined, path: string | undefined): string {
  return `layer '${layer || '(root)'}'${type ? ` (${type})` : ''}${path ? ` at ${path}` : ''}: `;
}

/** The message of an error without a leading 'spec: ' (nested spec errors are re-prefixed once). */
export function messageOf(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.startsWith('spec: ') ? m.slice(6) : m;
}

// ------------------------------------------------------------------------------------------------
// Module -> spec

/** Plain JSON data, or a SpecError naming the module and option. */
function toJson(v: unknown, where: string, depth = 0): JsonValue {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new SpecError(`${where} is ${v}, which JSON can't hold`);
    return v;
  }
  if (v instanceof Tensor) return toJson(v.toArray(), where, depth);
  if (Array.isArray(v)) return v.map((x, i) => toJson(x, `${where}[${i}]`, depth + 1));
  if (typeof v === 'object' && depth < 32 && Object.getPrototypeOf(v) === Object.prototype) {
    const out: Record<string, JsonValue> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = toJson(x, `${where}.${k}`, depth + 1);
    return out;
  }
  throw new SpecError(`${where} is ${v === undefined ? 'undefined' : typeof v === 'function' ? 'a function' : `a ${(v as object).constructor?.name ?? typeof v}`}, which a spec can't hold`);
}

/** The spec options of a built module: its type's config(), else the module's own config(). */
export function optionsOf(m: AnyModule, type: string, def: LayerType, layer: string): SpecOptions {
  const where = `toSpec: ${label(layer, type, undefined)}`;
  const own = (m as unknown as { config?: () => Record<string, unknown> }).config;
  let cfg: Record<string, unknown>;
  try {
    if (def.config) cfg = def.config(m);
    else if (typeof own === 'function') cfg = own.call(m);
    else throw new SpecError('the class has no config() method reporting its constructor options');
  } catch (e) {
    throw new SpecError(`${where}${messageOf(e)}`, { layer, cause: e });
  }
  const out = toJson(cfg, `${where}option`);
  if (out === null || typeof out !== 'object' || Array.isArray(out)) throw new SpecError(`${where}config() must return an object, got ${kindOf(out)}`, { layer });
  return out;
}

/**
 * The spec node of module `m` (and its children, recursively). `layer` is its dotted path for
 * messages; `seen` catches modules used twice (a spec can't express shared modules).
 */
export function toNode(m: AnyModule, layer = '', seen = new Map<AnyModule, string>()): NodeSpec {
  if (!(m instanceof Module)) throw new SpecError(`toSpec: ${layer ? `'${layer}' ` : ''}is not a Module (got ${kindOf(m)})`);
  const type = typeOfModule(m);
  const cls = m.constructor.name;
  if (type === undefined) {
    throw new SpecError(`toSpec: module '${layer || '(root)'}' is a ${cls}, which is not a registered layer type ` +
      `(build the model from nn layers and containers, or registerLayer('${cls}', { cls: ${cls}, fromSpec }) with a config() method on the class)`, { layer });
  }
  if (seen.has(m)) throw new SpecError(`toSpec: module '${layer}' (${type}) is the same object as '${seen.get(m) || '(root)'}': a spec can't express shared modules`, { layer });
  seen.set(m, layer);
  const def = layerType(type)!;
  const options = optionsOf(m, type, def, layer);
  const node: NodeSpec = Object.keys(options).length ? { type, options } : { type };
  if (def.children === 'options') return node;
  const kids = m.namedChildren();
  if (m instanceof Sequential && m.length !== kids.length) {
    throw new SpecError(`toSpec: module '${layer || '(root)'}' (${type}) runs a child twice: a spec can't express shared modules`, { layer });
  }
  if (kids.length === 0) return node;
  const nodes = kids.map(([name, child]) => [name, toNode(child, layer ? `${layer}.${name}` : name, seen)] as const);
  const obj: Record<string, NodeSpec> = Object.fromEntries(nodes);
  // A JSON object lists integer-like keys first: keep the true order with an array of named nodes.
  node.children = Object.keys(obj).every((k, i) => k === nodes[i][0]) ? obj : nodes.map(([name, n]) => ({ name, ...n }));
  return node;
}

// ------------------------------------------------------------------------------------------------
// Spec -> module

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Checks option names against the type's list: unknown ones fail with a suggestion, missing required ones fail. */
export function checkOptionNames(options: SpecOptions, def: LayerType, type: string, where: string): void {
  if (def.options) {
    for (const k of Object.keys(options)) {
      if (!def.options.includes(k)) {
        const takes = def.options.length ? `${type} takes ${def.options.join(', ')}` : `${type} takes no options`;
        throw new SpecError(`${where}unknown option '${k}'${didYouMean(k, def.options)}; ${takes}`);
      }
    }
  }
  for (const k of def.required ?? []) if (!(k in options)) throw new SpecError(`${where}missing required option '${k}'; ${type} takes ${(def.options ?? def.required ?? []).join(', ')}`);
}

/** The entries of a node's children (an object, or an array of named nodes), checked. */
function childEntries(children: unknown, where: string, path: string): [string, unknown, string][] {
  if (Array.isArray(children)) {
    const names = new Set<string>();
    return children.map((c, i) => {
      const name = isObject(c) ? c.name : undefined;
      if (typeof name !== 'string' || name === '') throw new SpecError(`${where}children[${i}] needs a "name" (children written as an array are named nodes)`);
      if (names.has(name)) throw new SpecError(`${where}duplicate child name '${name}'`);
      names.add(name);
      return [name, c, `${path}.children[${i}]`];
    });
  }
  if (!isObject(children)) throw new SpecError(`${where}"children" must be an object of named nodes (or an array of nodes with names), got ${kindOf(children)}`);
  return Object.entries(children).map(([name, c]) => [name, c, `${path}.children.${name}`]);
}

/** Checks a node's child names against its type's rule. */
function checkChildren(def: LayerType, type: string, names: string[], where: string): void {
  const rule = def.children ?? 'none';
  if (rule === 'any') return;
  if (rule === 'none' || rule === 'options') {
    if (names.length) throw new SpecError(`${where}${type} takes no children, got ${names.map((n) => `'${n}'`).join(', ')}${rule === 'options' ? ' (its layers are in its options)' : ''}`);
    return;
  }
  const known = [...(rule.required ?? []), ...(rule.optional ?? [])];
  for (const n of names) if (!known.includes(n)) throw new SpecError(`${where}${type} has no child slot '${n}'${didYouMean(n, known)} (slots: ${known.join(', ')})`);
  for (const n of rule.required ?? []) if (!names.includes(n)) throw new SpecError(`${where}${type} needs a child '${n}'`);
}

/**
 * Builds the module of spec node `node`. `layer` names it in messages (its dotted module path, or its
 * graph-form name), `path` says where it is in the document (`model.children.features`, `layers[2]`).
 */
export function buildNode(node: unknown, layer: string, path: string, extraKeys: readonly string[] = []): AnyModule {
  if (!isObject(node)) throw new SpecError(`${label(layer, undefined, path)}expected an object with "type", got ${kindOf(node)}`, { layer, path });
  const type = node.type;
  if (typeof type !== 'string' || type === '') throw new SpecError(`${label(layer, undefined, path)}missing "type" (a layer class such as "Conv2d")`, { layer, path });
  const where = label(layer, type, path);
  const allowed = ['type', 'name', 'options', 'children', ...extraKeys];
  for (const k of Object.keys(node)) if (!allowed.includes(k)) throw new SpecError(`${where}unknown key "${k}"${didYouMean(k, allowed)} (a node has ${allowed.join(', ')})`, { layer, path });
  try {
    const def = requireLayerType(type, '');
    const options = node.options ?? {};
    if (!isObject(options)) throw new SpecError(`"options" must be an object, got ${kindOf(options)}`);
    checkOptionNames(options as SpecOptions, def, type, '');
    const entries = node.children === undefined ? [] : childEntries(node.children, '', path);
    checkChildren(def, type, entries.map(([n]) => n), '');
    const children = new Map<string, AnyModule>();
    for (const [name, child, childPath] of entries) children.set(name, buildNode(child, layer ? `${layer}.${name}` : name, childPath, ['name']));
    let m: AnyModule;
    try {
      m = def.fromSpec(options as SpecOptions, children);
    } catch (e) {
      throw new SpecError(messageOf(e), { cause: e });
    }
    if (!(m instanceof Module)) throw new SpecError(`fromSpec of type '${type}' returned ${kindOf(m)}, not a Module`);
    return m;
  } catch (e) {
    // Errors from a child already carry their own label; the rest get this node's.
    if (e instanceof SpecError && e.layer !== undefined) throw e;
    throw new SpecError(`${where}${messageOf(e)}`, { layer, path, cause: e instanceof SpecError && e.cause !== undefined ? e.cause : e });
  }
}

// ------------------------------------------------------------------------------------------------
// Shape check

/** The shapes of a forward's result (a tensor, or an array of tensors). */
export function shapesOf(out: unknown): number[] | number[][] {
  if (out instanceof Tensor) return [...out.shape];
  if (Array.isArray(out)) return out.map((t) => (t instanceof Tensor ? [...t.shape] : []));
  return [];
}

/**
 * Runs `model` once under noGrad in eval mode (restoring each module's mode after) on zeros of the
 * given sample shapes with a batch dim of 1, and returns the output shape(s). An op error is rethrown
 * as a SpecError naming the innermost module that was running: `layer 'features.3' (Conv2d): ...`.
 */
export function checkShapes(model: AnyModule, inputShapes: number[][]): number[] | number[][] {
  const modes = model.modules().map((m) => [m, m.training] as const);
  const stack: [string, AnyModule][] = [];
  const handles = model.namedModules().flatMap(([name, m]) => [
    m.registerForwardPreHook(() => void stack.push([name, m])),
    m.registerForwardHook(() => void stack.pop()),
  ]);
  model.eval();
  try {
    return noGrad(() => tidy(() => shapesOf(model.call(...inputShapes.map((s) => zeros([1, ...s]))))));
  } catch (e) {
    if (e instanceof SpecError) throw e;
    const [name, m] = stack[stack.length - 1] ?? ['', model];
    const type = typeOfModule(m) ?? m.constructor.name;
    const given = inputShapes.map((s) => fmtShape([1, ...s])).join(', ');
    throw new SpecError(`${label(name, type, undefined)}${messageOf(e)} (checking the model on zeros of shape ${given})`, { layer: name, cause: e });
  } finally {
    handles.forEach((h) => h.remove());
    for (const [m, t] of modes) m.training = t;
  }
}
