/**
 * The `neocog` command line: train, eval, predict, summary, models.
 *
 * Parsing uses commander (zero dependencies, ships its own types, the most used Node CLI parser and
 * actively maintained): subcommands with generated --help, typed option parsers, choices with
 * "did you mean" suggestions, and an exitOverride/configureOutput pair that lets tests run the whole
 * CLI in-process. Version 14 is the newest line that still supports Node 20 (our engines field).
 *
 * Errors: bad options and paths end with a one-line `error: ...` on stderr and exit code 1, never a
 * stack trace (set NEOCOG_DEBUG=1 to see one). bin/neocog.js calls main() from the built dist/.
 */
import { readFileSync } from 'node:fs';
// Tensor methods (x.mean(), x.argmax(), ...) for everything the commands reach, as the public barrel does.
import '../tensor/methods.js';
import { Command, CommanderError } from 'commander';
import { CliError, oneLine } from './errors.js';
import { processIO, type CliIO } from './io.js';
import { registerEval } from './commands/eval.js';
import { registerModels } from './commands/models.js';
import { registerOnnx } from './commands/onnx.js';
import { registerPredict } from './commands/predict.js';
import { registerSummary } from './commands/summary.js';
import { registerTrain } from './commands/train.js';
import { registerInspect } from './commands/inspect.js';
import { registerSegment } from './commands/segment.js';

function version(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** The program with every subcommand; output goes to `io`, and nothing calls process.exit. */
export function buildProgram(io: CliIO = processIO()): Command {
  const program = new Command('neocog')
    .description('neocog: convolutional neural networks in TypeScript (train, evaluate, inspect and run CNNs)')
    .version(version(), '-v, --version')
    .exitOverride()
    // One line per error: commander puts its "(Did you mean --model?)" on a second line; join them.
    .configureOutput({
      writeOut: (s) => void io.stdout.write(s),
      writeErr: (s) => void io.stderr.write(s),
      outputError: (s, write) => write(`${s.trim().replace(/\s*\n\s*/g, ' ')}\n`),
    })
    .showSuggestionAfterError(true)
    .helpCommand('help [command]', 'show help for a command')
    .addHelpText('after', `
Examples:
  neocog models                                     # what can be built
  neocog summary lenet5                             # layers, shapes, parameters
  neocog train --model mnist-convnet --epochs 2     # -> .neocog/mnist-convnet/model.safetensors
  neocog eval --weights .neocog/mnist-convnet --confusion-png confusion.png
  neocog predict digit.png --topk 3`);
  registerTrain(program, io);
  registerSegment(program, io);
  registerEval(program, io);
  registerPredict(program, io);
  registerSummary(program, io);
  registerModels(program, io);
  registerOnnx(program, io);
  registerInspect(program, io);
  return program;
}

/** Runs the CLI on `argv` (process.argv style: node, script, args...) and returns the exit code. */
export async function main(argv: readonly string[] = process.argv, io: CliIO = processIO()): Promise<number> {
  const program = buildProgram(io);
  if (argv.length <= 2) {
    program.outputHelp();
    return 0;
  }
  try {
    await program.parseAsync([...argv]);
    return 0;
  } catch (e) {
    // commander has already printed its own message (one line) or the help text.
    if (e instanceof CommanderError) return e.exitCode;
    io.stderr.write(`error: ${oneLine(e)}\n`);
    if (process.env.NEOCOG_DEBUG && e instanceof Error && !(e instanceof CliError)) io.stderr.write(`${e.stack}\n`);
    return e instanceof CliError ? e.exitCode : 1;
  }
}
