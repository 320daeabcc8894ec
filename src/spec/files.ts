/** Spec files: loadSpec / saveSpec (JSON, or YAML for .yaml / .yml), written atomically. Node only. */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { AnyModule } from '../nn/module.js';
import { writeFileAtomic } from '../io/atomic.js';
import { fromSpec, parseSpec, toSpecJson, toSpecYaml, type FromSpecOptions } from './api.js';
import { SpecError, type Spec } from './types.js';
import { show } from '../ops/args.js';
import { fail } from '../ops/validate.js';

/** Whether `path` names a spec file by its extension (.json, .yaml, .yml). */
/** A path argument: a string (readFileSync would also take numbers as file descriptors, and Symbols crash its message). */
function checkPath(op: string, path: unknown): asserts path is string {
  if (typeof path !== 'string' || path === '') fail(op, `path must be a non-empty string, got ${show(path)}`);
}

export function isSpecPath(path: string): boolean {
  if (typeof path !== 'string') fail('isSpecPath', `path must be a string, got ${show(path)}`);
  return /\.(json|ya?ml)$/i.test(path);
}

/** Reads and parses a spec file (JSON or YAML); errors name the file. */
export function loadSpec(path: string): Spec {
  checkPath('loadSpec', path);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new SpecError(`can't read spec file '${path}'${code === 'ENOENT' ? ': no such file' : `: ${(e as Error).message}`}`, { cause: e });
  }
  return parseSpec(text, path);
}

/** Writes a spec (or the spec of a model) to `path`: YAML for .yaml / .yml, JSON otherwise; atomically. */
export function saveSpec(path: string, spec: Spec | AnyModule): void {
  checkPath('saveSpec', path);
  const ext = extname(path).toLowerCase();
  writeFileAtomic(path, ext === '.yaml' || ext === '.yml' ? toSpecYaml(spec) : toSpecJson(spec));
}

/** Builds the model of a spec file (loadSpec + fromSpec). */
export function loadSpecModel(path: string, opts: FromSpecOptions = {}): AnyModule {
  checkPath('loadSpecModel', path);
  return fromSpec(loadSpec(path), opts);
}
