/**
 * A `pos` subcommand: a one-paragraph help text and a runner that returns the exit code. Its
 * one-line summary is in dispatch.ts, which loads a command's module only when it runs.
 */
export interface Command {
  usage: string;
  run(argv: string[]): Promise<number>;
}

/** An error the user can act on: printed as one line, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
