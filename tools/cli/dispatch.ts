/**
 * The `pos` dispatcher: picks the subcommand, prints its help, turns every error into one line
 * that says what to do, and returns the exit code (2 for a usage error). Tests call `main` directly.
 */
import { UsageError, type Command } from './command.js';

/**
 * Each command's module is imported only when that command runs (or prints its help): the
 * terminal's `pos run` on a small board does not load the simulator, the host simulator, the
 * journal inspector or the deploy tool, nor the Node modules they pull in (readline, child_process).
 */
export const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  sim: { summary: 'the simulated terminal in the console (same as npm start)', load: async () => (await import('./sim-command.js')).simCommand },
  run: { summary: 'run the terminal on real hardware as the board config describes', load: async () => (await import('./run-command.js')).runCommand },
  'host-sim': {
    summary: 'run the acquirer + issuer simulator on TCP (for pos run against a test host); ledger shows its books',
    load: async () => (await import('./host-sim-command.js')).hostSimCommand,
  },
  journal: { summary: 'inspect or verify a journal flash image (read-only)', load: async () => (await import('./journal-command.js')).journalCommand },
  keys: { summary: 'load the terminal master key (TMK) from the key ceremony', load: async () => (await import('./keys-command.js')).keysCommand },
  ports: { summary: 'list serial ports (to find a Firmata board, printer or reader)', load: async () => (await import('./ports-command.js')).portsCommand },
  'print-test': { summary: "print a test receipt on the board config's printer", load: async () => (await import('./print-test-command.js')).printTestCommand },
  deploy: {
    summary: 'build the self-contained bundle and hardened systemd unit; install them on a board over ssh',
    load: async () => (await import('./deploy-command.js')).deployCommand,
  },
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
  const entry = COMMANDS[name];
  if (!entry) {
    console.error(`pos: unknown command "${name}"; run pos --help for the list`);
    return 2;
  }
  const command = await entry.load();
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

