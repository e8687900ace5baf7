import path from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError, type Command } from './command.js';

export const deployCommand: Command = {
  usage: `pos deploy --board <config.json> (--target user@host | --target <folder> | --dry-run)
           [--tmk <file>] [--install-dir /opt/pos-terminal] [--state-dir /var/lib/pos-terminal] [--user pos]

Checks the board config (schema, a real board - not the virtual one - and a journal inside the
state directory), names the IO plugin it needs, and builds dist/pos-terminal/: the bundle for Node 18
(pos-terminal.mjs and its chunks), its assets, serialport's prebuilt addon for linux-arm, linux-arm64
and linux-x64, the board config and pos-terminal.service. The board needs node >= 18 and nothing else:
no npm, no compiler.
--target user@host installs over ssh, one step at a time (user, copy, install, state directory, key,
unit, start), each failing with its own message; groups the board lacks are left out of the unit.
--tmk <file> loads the terminal master key on the board (pos keys load-tmk, over ssh's stdin); without
it and without a key already there, the service is enabled but not started, and deploy prints the
command to run. --target <folder> (a path) copies the bundle directory there instead, a local
stand-in for the board. The unit runs: node pos-terminal.mjs run --board <config>`,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        board: { type: 'string' },
        target: { type: 'string' },
        tmk: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        'install-dir': { type: 'string', default: '/opt/pos-terminal' },
        'state-dir': { type: 'string', default: '/var/lib/pos-terminal' },
        user: { type: 'string', default: 'pos' },
      },
    });
    if (!values.board) throw new UsageError('--board <config.json> is required, e.g. --board board-configs/raspi.json');
    if (!values['dry-run'] && !values.target) throw new UsageError('--target user@host (or a local folder) is required, or --dry-run to only build');
    // Loaded on demand: the deployed bundle carries this command's code but not esbuild.
    const { deploy } = await import('../deploy/deploy.js');
    return deploy({
      projectRoot: process.cwd(),
      boardConfigPath: path.resolve(values.board),
      target: values.target,
      dryRun: values['dry-run'] ?? false,
      installDir: values['install-dir'] ?? '/opt/pos-terminal',
      stateDir: values['state-dir'] ?? '/var/lib/pos-terminal',
      serviceUser: values.user ?? 'pos',
      ...(values.tmk ? { tmkFile: path.resolve(values.tmk) } : {}),
      say: (line) => console.log(line),
    });
  },
};
