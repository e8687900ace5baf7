import path from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError, type Command } from './command.js';

export const deployCommand: Command = {
  summary: 'bundle for Node 18, write a systemd unit, copy both to a dev board over ssh',
  usage: `pos deploy --board <config.json> (--target user@host | --dry-run) [--install-dir /opt/pos-terminal] [--user pos]

Builds dist/pos-terminal.cjs (single file, Node 18) and dist/pos-terminal.service (restart on
failure; a dedicated user in the gpio, i2c and dialout groups). Without --dry-run it copies both and
the board config to the target over ssh, installs serialport there with npm, and (re)starts the
service. The bundle runs as: node dist/pos-terminal.cjs run --board <config>`,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        board: { type: 'string' },
        target: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        'install-dir': { type: 'string', default: '/opt/pos-terminal' },
        user: { type: 'string', default: 'pos' },
      },
    });
    if (!values.board) throw new UsageError('--board <config.json> is required, e.g. --board board-configs/raspi.json');
    if (!values['dry-run'] && !values.target) throw new UsageError('--target user@host is required, or --dry-run to only build');
    // Loaded on demand: the deployed bundle carries this command's code but not esbuild.
    const { deploy } = await import('../deploy/deploy.js');
    return deploy({
      projectRoot: process.cwd(),
      boardConfigPath: path.resolve(values.board),
      target: values.target,
      dryRun: values['dry-run'] ?? false,
      installDir: values['install-dir'] ?? '/opt/pos-terminal',
      serviceUser: values.user ?? 'pos',
      say: (line) => console.log(line),
    });
  },
};
