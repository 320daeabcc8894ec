/** Spec files: loadSpec / saveSpec (JSON, or YAML for .yaml / .yml), written atomically. Node only. */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { AnyModule } from '../nn/module.js';
import { writeFileAtomic } from '../io/atomic.js';
import { fromSpec, parseSpec, toSpecJson, toSpecYaml, type FromSpecOptions } from './api.js';
import { SpecError, type Spec } from './types.js';

/** Whether `path` names a spec file by its extension (.json, .yaml, .yml). */
export function isSpecPath(path: string): boolean {
  return /\.(json|ya?ml)$/i.test(path);
}

/** Reads and parses a spec file (JSON or YAML); errors name the file. */
export function loadSpec(path: string): Spec {
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
  const ext = extname(path).toLowerCase();
  writeFileAtomic(path, ext === '.yaml' || ext === '.yml' ? toSpecYaml(spec) : toSpecJson(spec));
}

/** Builds the model of a spec file (loadSpec + fromSpec). */
export function loadSpecModel(path: string, opts: FromSpecOptions = {}): AnyModule {
  return fromSpec(loadSpec(path), opts);
}
