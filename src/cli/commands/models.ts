/** `neocog models`: the registry with parameter counts. */
import type { Command } from 'commander';
import * as models from '../../models/index.js';
import { type CliIO, println } from '../io.js';
import { count, table } from '../report.js';

export interface ModelListing {
  name: string;
  parameters: number;
  inputShape: number[];
  description: string;
}

/** Every registry entry with its parameter count (declared by the entry, else counted on a freshly built model). */
export function listModels(): ModelListing[] {
  return models.list().map((e) => ({ name: e.name, parameters: e.numParameters ?? e.build().numParameters(), inputShape: [...e.inputShape], description: e.description }));
}

export function registerModels(program: Command, io: CliIO): void {
  program
    .command('models')
    .description('list the models the registry can build, with their parameter counts')
    .option('--json', 'print JSON instead of a table')
    .action((opts: { json?: boolean }) => {
      const rows = listModels();
      if (opts.json) return println(io, JSON.stringify(rows, null, 2));
      println(io, table(['model', 'params', 'input', 'description'], rows.map((r) => [r.name, count(r.parameters), r.inputShape.join('x'), r.description]), { right: [1] }));
    });
}
