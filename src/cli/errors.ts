/**
 * CLI errors: a CliError is a user mistake (bad path, missing option) shown as one line without a
 * stack trace; any other error thrown by the library is shown the same way (on one line), since
 * the library's messages already name the op, the argument and a hint.
 */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = 'CliError';
  }
}

/**
 * An error's message on one line: library messages that continue on further lines (a state dict's
 * missing and unexpected keys) are joined with spaces and cut at `max` characters.
 */
export function oneLine(e: unknown, max = 400): string {
  const msg = e instanceof Error ? e.message : String(e);
  const text = msg.split('\n').map((l) => l.trim()).filter((l) => l.length > 0).join(' ') || 'unknown error';
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
