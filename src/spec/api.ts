/**
 * toSpec / fromSpec: a module tree to a spec and back, and the text forms (JSON, YAML).
 *
 *   const spec = toSpec(model, { inputShape: [1, 28, 28] });   // tree form (graph form for a GraphModule)
 *   const copy = fromSpec(spec);                               // same structure and parameter names
 *   const text = toSpecYaml(model);  fromSpec(parseSpec(text));
 */
import { parse as parseYaml, Document, isSeq, isScalar, visit } from 'yaml';
import { Module, type AnyModule } from '../nn/module.js';
import './layers.js';
import { GraphModule, buildGraph, checkInputShapes, type GraphBuildOptions } from './graph.js';
import { buildNode, checkShapes, toNode } from './tree.js';
import { SPEC_FORMAT, SPEC_VERSION, SpecError, didYouMean, kindOf, type GraphSpec, type InputShapes, type Spec, type TreeSpec } from './types.js';
import { show } from '../ops/args.js';
import { options } from '../ops/args.js';

export interface ToSpecOptions {
  /** The model's name (on the root node of the tree form, top-level in the graph form). */
  name?: string;
  /** Free text for people. */
  description?: string;
  /** The shape of one input sample without the batch dim (e.g. [1, 28, 28]); lets fromSpec check shapes. */
  inputShape?: readonly number[];
  /** Several named inputs instead of inputShape. */
  inputs?: InputShapes;
}

export type FromSpecOptions = GraphBuildOptions;

const TREE_KEYS = ['format', 'description', 'inputs', 'model'];
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The spec of `model`: the graph form for a GraphModule, the tree form for everything else. */
export function toSpec(model: AnyModule, opts: ToSpecOptions = {}): Spec {
  const { name, description, inputShape, inputs } = options<ToSpecOptions>('toSpec', opts, ['name', 'description', 'inputShape', 'inputs']);
  if (!(model instanceof Module)) throw new SpecError(`toSpec: expected a Module, got ${kindOf(model)}`);
  if (model instanceof GraphModule) {
    const g = model.toGraphSpec();
    return { format: g.format, ...(name ? { name } : {}), ...(description ? { description } : {}), inputs: g.inputs, layers: g.layers, outputs: g.outputs };
  }
  const shapes = inputs ?? (inputShape ? { x: [...inputShape] } : undefined);
  if (shapes) checkInputShapes(shapes, 'toSpec: ');
  const { type, ...rest } = toNode(model);
  return { format: SPEC_FORMAT, ...(description ? { description } : {}), ...(shapes ? { inputs: shapes } : {}), model: { type, ...(name ? { name } : {}), ...rest } };
}

/**
 * Checks the top level of a parsed spec: an object, a known format version, one of the two forms.
 * Returns it typed; the layers are checked when built.
 */
export function checkSpec(spec: unknown): Spec {
  if (!isObject(spec)) throw new SpecError(`expected a spec object { "format": "${SPEC_FORMAT}", ... }, got ${kindOf(spec)}`);
  const format = spec.format;
  if (format === undefined) throw new SpecError(`missing "format" (expected "${SPEC_FORMAT}")`, { path: 'format' });
  if (format !== SPEC_FORMAT) {
    const m = typeof format === 'string' ? /^neocog\.spec\/(\d+)$/.exec(format) : null;
    if (m) throw new SpecError(`unsupported format version ${m[1]} ("${format}"): this neocog reads version ${SPEC_VERSION} ("${SPEC_FORMAT}")`, { path: 'format' });
    const hint = format === 'neocog.model' ? ' (that is a model description from describeModel, not a spec: write specs with toSpec)' : '';
    throw new SpecError(`unknown format ${show(format)}, expected "${SPEC_FORMAT}"${hint}`, { path: 'format' });
  }
  const tree = 'model' in spec;
  const graph = 'layers' in spec;
  if (tree && graph) throw new SpecError('a spec has either "model" (tree form) or "layers" (graph form), not both');
  if (!tree && !graph) throw new SpecError('a spec needs "model" (tree form: a module tree) or "layers" (graph form: named layers wired by inputs)');
  if (tree) {
    for (const k of Object.keys(spec)) if (!TREE_KEYS.includes(k)) throw new SpecError(`unknown top-level key "${k}"${didYouMean(k, TREE_KEYS)} (a tree spec has ${TREE_KEYS.join(', ')})`, { path: k });
    if (spec.inputs !== undefined) checkInputShapes(spec.inputs, '');
  }
  return spec as unknown as Spec;
}

/**
 * Builds the model a spec describes (a parsed object; see parseSpec / loadSpec for text and files).
 * The tree form gives back the module tree toSpec wrote, with the same parameter names; the graph
 * form gives a GraphModule. When the spec declares input shapes, the model is run once on zeros to
 * check them (opts.checkShapes: false skips it).
 */
export function fromSpec(spec: Spec | unknown, opts: FromSpecOptions = {}): AnyModule {
  const s = checkSpec(spec);
  if ('layers' in s) return buildGraph(s as GraphSpec, opts);
  const t = s as TreeSpec;
  const model = buildNode(t.model, '', 'model');
  if (t.inputs && opts.checkShapes !== false) checkShapes(model, Object.values(t.inputs));
  return model;
}

/** The spec of a module, or the spec itself. */
function specOf(x: AnyModule | Spec): Spec {
  return x instanceof Module ? toSpec(x) : checkSpec(x);
}

/** JSON on one line, with spaces after commas and inside braces. */
function oneLine(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(oneLine).join(', ')}]`;
  if (isObject(v)) {
    const entries = Object.entries(v).filter(([, e]) => e !== undefined);
    return entries.length ? `{ ${entries.map(([k, e]) => `${JSON.stringify(k)}: ${oneLine(e)}`).join(', ')} }` : '{}';
  }
  return JSON.stringify(v);
}

/** Whether a value may be written on one line: no module tree or layer list inside, no array of objects. */
function inlinable(v: unknown): boolean {
  if (Array.isArray(v)) return v.every((e) => e === null || typeof e !== 'object');
  if (isObject(v)) return !('children' in v) && !('layers' in v) && Object.values(v).every(inlinable);
  return true;
}

/** Pretty JSON with short parts (shapes, options, small layers) kept on one line. */
export function toSpecJson(x: AnyModule | Spec): string {
  const write = (v: unknown, indent: string): string => {
    if (inlinable(v) && indent.length + oneLine(v).length <= 120) return oneLine(v);
    if (Array.isArray(v)) {
      const inner = indent + '  ';
      return `[\n${v.map((e) => inner + write(e, inner)).join(',\n')}\n${indent}]`;
    }
    if (isObject(v)) {
      const entries = Object.entries(v).filter(([, e]) => e !== undefined);
      if (entries.length === 0) return '{}';
      const inner = indent + '  ';
      return `{\n${entries.map(([k, e]) => `${inner}${JSON.stringify(k)}: ${write(e, inner)}`).join(',\n')}\n${indent}}`;
    }
    return JSON.stringify(v);
  };
  return `${write(specOf(x), '')}\n`;
}

/** YAML, with arrays of numbers in flow style ([1, 28, 28]). */
export function toSpecYaml(x: AnyModule | Spec): string {
  const doc = new Document(specOf(x));
  const flatSeq = (n: unknown) => isSeq(n) && n.items.every((i) => isScalar(i));
  visit(doc, {
    Seq(_, node) {
      if (flatSeq(node)) node.flow = true;
    },
    Map(_, node) {
      const js: unknown = node.toJSON();
      if (node.items.length > 0 && inlinable(js) && oneLine(js).length <= 80) {
        node.flow = true;
        return visit.SKIP;
      }
      return undefined;
    },
  });
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

/**
 * A spec from text: JSON (text starting with '{') or YAML. `source` (a file name) prefixes parse errors.
 * The top level is checked (format version, form); layers are checked when built by fromSpec.
 */
export function parseSpec(text: string, source = ''): Spec {
  if (typeof text !== 'string') throw new SpecError(`parseSpec: expected text, got ${kindOf(text)}`);
  const where = source ? `${source}: ` : '';
  let data: unknown;
  if (text.trimStart().startsWith('{')) {
    try {
      data = JSON.parse(text);
    } catch (e) {
      throw new SpecError(`${where}invalid JSON: ${(e as Error).message}`, { cause: e });
    }
  } else {
    try {
      data = parseYaml(text, { prettyErrors: true });
    } catch (e) {
      throw new SpecError(`${where}invalid YAML: ${(e as Error).message.split('\n')[0]}`, { cause: e });
    }
  }
  try {
    return checkSpec(data);
  } catch (e) {
    if (!where || !(e instanceof SpecError)) throw e;
    throw new SpecError(`${where}${e.message.slice(6)}`, { layer: e.layer, path: e.path, cause: e.cause });
  }
}
