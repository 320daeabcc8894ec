/**
 * The layer-type registry of model specs: type name -> how to build the layer from its spec options
 * (and children, for containers). src/spec/layers.ts registers every exported nn class under its class
 * name; a user's own layer joins with
 *
 *   registerLayer('MyBlock', { cls: MyBlock, options: ['channels'], fromSpec: (o) => new MyBlock(o.channels as number) });
 *
 * and then appears in toSpec output (options from its config()) and builds from fromSpec.
 */
import type { AnyModule } from '../nn/module.js';
import { SpecError, didYouMean, type SpecOptions } from './types.js';
import { show } from '../ops/args.js';
import { noExtra } from '../ops/args.js';
import { fail } from '../ops/validate.js';
import { Module } from '../nn/module.js';

/** A layer's built children, by name, in spec order. */
export type ChildModules = ReadonlyMap<string, AnyModule>;

/** What children a layer type takes. */
export type ChildrenRule =
  /** None (a leaf layer; the default). */
  | 'none'
  /** Any number, any names (Sequential, ModuleList, ModuleDict, Concat, ...). */
  | 'any'
  /** None in the spec: the layer rebuilds its children from its options (GraphModule). */
  | 'options'
  /** Named slots, e.g. Residual's body (required), shortcut and activation. */
  | { required?: readonly string[]; optional?: readonly string[] };

export interface LayerType {
  /** Builds the layer from its spec options and built children (the constructor's own checks apply). */
  fromSpec(options: SpecOptions, children: ChildModules): AnyModule;
  /** The exact class this type builds: toSpec writes a module of this class as this type. */
  cls?: abstract new (...args: never[]) => AnyModule;
  /** The option names the layer takes: any other is an error with a suggestion. Left out: anything goes. */
  options?: readonly string[];
  /** Options that must be given. */
  required?: readonly string[];
  /** Children it takes (default 'none'). */
  children?: ChildrenRule;
  /** The options toSpec writes for a built module of this type (default: the module's config()). */
  config?(module: AnyModule): Record<string, unknown>;
}

const types = new Map<string, LayerType>();
const byClass = new Map<unknown, string>();

/** The graph form's merge nodes: functional, no parameters, several inputs. */
export const MERGE_TYPES: readonly string[] = ['add', 'mul', 'concat'];

/** Adds a layer type (or replaces one, with { replace: true }). Type names are identifiers; 'add', 'mul' and 'concat' are the graph form's merges. */
export function registerLayer(type: string, def: LayerType, { replace = false }: { replace?: boolean } = {}): void {
  if (typeof type !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(type)) throw new SpecError(`registerLayer: type must be an identifier, got ${show(type)}`);
  if (MERGE_TYPES.includes(type)) throw new SpecError(`registerLayer: '${type}' is a merge node of the graph form and can't be a layer type`);
  if (typeof def?.fromSpec !== 'function') throw new SpecError(`registerLayer: '${type}' needs a fromSpec(options, children) function`);
  const old = types.get(type);
  if (old && !replace) throw new SpecError(`registerLayer: layer type '${type}' is already registered (pass { replace: true })`);
  if (old?.cls) byClass.delete(old.cls);
  types.set(type, def);
  if (def.cls) byClass.set(def.cls, type);
}

/** The registered type `type`, or undefined. */
export function layerType(type: string): LayerType | undefined {
  if (typeof type !== 'string') fail('layerType', `type must be a layer type name (a string), got ${show(type)}`, 'see layerTypes()');
  return types.get(type);
}

/** Every registered type name, in registration order. */
export function layerTypes(): string[] {
  noExtra('layerTypes', arguments, 0);
  return [...types.keys()];
}

/** The registered type of a built module (by its exact class), or undefined. */
export function typeOfModule(m: AnyModule): string | undefined {
  if (!(m instanceof Module)) fail('typeOfModule', `m must be a Module, got ${show(m)}`, 'for a class, use typeOfClass');
  return byClass.get(m.constructor);
}

/** The registered type name of a class, or undefined. */
export function typeOfClass(cls: unknown): string | undefined {
  if (typeof cls !== 'function') fail('typeOfClass', `cls must be a class, got ${show(cls)}`, 'for a built module, use typeOfModule');
  return byClass.get(cls);
}

/** The type `type`, or a SpecError listing close matches. */
export function requireLayerType(type: string, where: string): LayerType {
  const t = types.get(type);
  if (t) return t;
  const hint = didYouMean(type, [...types.keys(), ...MERGE_TYPES]);
  throw new SpecError(`${where}unknown layer type '${type}'${hint || ' (see layerTypes() for the known ones)'}`);
}
