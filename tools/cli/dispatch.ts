/**
 * The `pos` dispatcher: picks the subcommand, prints its help, turns every error into one line
 * that says what to do, and returns the exit code (2 for a usage error). Tests call `main` directly.
 */
import { UsageError, type Command } from './command.js';
import { deployCommand } from './deploy-command.js';
import { hostSimCommand } from './host-sim-command.js';
import { journalCommand } from './journal-command.js';
import { keysCommand } from './keys-command.js';
import { portsCommand } from './ports-command.js';
import { printTestCommand } from './print-test-command.js';
import { runCommand } from './run-command.js';
import { simCommand } from './sim-command.js';

export const COMMANDS: Record<string, Command> = {
  sim: simCommand,
  run: runCommand,
  'host-sim': hostSimCommand,
  journal: journalCommand,
  keys: keysCommand,
  ports: portsCommand,
  'print-test': printTestCommand,
  deploy: deployCommand,
};

function overview(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((k) => k.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `usage: pos <command> [options]   (pos <command> --help for each)\n\ncommands:\n${lines.join('\n')}`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(overview());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`pos: unknown command "${name}"; run pos --help for the list`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(command.usage);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // Multi-line messages (a board config's list of problems) are folded into the one line.
    const oneLine = message.split('\n').map((part) => part.trim()).filter(Boolean).join('; ');
    console.error(`pos ${name}: ${oneLine}`);
    return error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') ? 2 : 1;
  }
}

