/**
 * npm run firmata-emulator -- --pty [--board uno|mega] [--config board-configs/<file>.json] [--baud 57600]
 *
 * Runs an emulated Arduino with StandardFirmataPlus on a pseudo-terminal and prints the device
 * path as the first line on stdout, so a Firmata client can open it like a real board. With
 * --config the keypad, LCD, EEPROM and serial peripherals are wired as that board config says;
 * devices the config puts on host serial ports (a reader on /dev/ttyUSB1) get a pty each, listed
 * on stderr as {"event":"host-port","path":...,"pty":...} and by the `ports` bench command.
 * Lines on stdin are bench commands (press 5, screen, swipe, paper out, printed, ports; see
 * `help`), answered on stdout. Client open/close events go to stderr as JSON lines.
 */
import { readBoardConfig } from '../../firmware/hal/board-config.js';
import { SystemClock } from '../../firmware/hal/clock.js';
import { createEmulatedBoard, emulatedBoardFromConfig } from '../../firmware/hal/virtual/emulated-board.js';
import { createInterface } from 'node:readline';
import { BenchConsole } from './bench-console.js';
import { FirmataEmulator } from './firmata-emulator.js';
import { hostPortEndpoint, servePty, type PtyServer } from './pty-transport.js';

const USAGE = 'usage: npm run firmata-emulator -- --pty [--board uno|mega] [--config board-configs/<file>.json] [--baud 57600]';

function parseArgs(argv: string[]): { pty: boolean; board?: 'uno' | 'mega'; config?: string; baud: number } {
  const out: { pty: boolean; board?: 'uno' | 'mega'; config?: string; baud: number } = { pty: false, baud: 57600 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value\n${USAGE}`);
      return v;
    };
    if (arg === '--pty') out.pty = true;
    else if (arg === '--board') {
      const board = value();
      if (board !== 'uno' && board !== 'mega') throw new Error(`--board must be uno or mega, got ${board}\n${USAGE}`);
      out.board = board;
    } else if (arg === '--config') out.config = value();
    else if (arg === '--baud') {
      out.baud = Number(value());
      if (!Number.isInteger(out.baud) || out.baud <= 0) throw new Error(`--baud must be a positive integer\n${USAGE}`);
    } else throw new Error(`unknown argument ${arg}\n${USAGE}`);
  }
  if (!out.pty) throw new Error(`only the pseudo-terminal transport is served from the command line; pass --pty\n${USAGE}`);
  return out;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const clock = new SystemClock();
  const emulated = args.config
    ? emulatedBoardFromConfig(readBoardConfig(args.config), clock, args.board)
    : createEmulatedBoard({ profile: args.board ?? 'uno', clock });
  const emulator = new FirmataEmulator({ board: emulated.board, baud: args.baud });
  const event = (fields: Record<string, unknown>) => process.stderr.write(`${JSON.stringify(fields)}\n`);
  const server = await servePty(emulator, (e) => event({ event: `client-${e}`, device: 'board', board: emulated.board.profile.name }));
  process.stdout.write(`${server.path}\n`);
  const servers: PtyServer[] = [server];
  const ports: [string, string][] = [['board', server.path]];
  for (const [path, port] of emulated.hostPorts) {
    const hostServer = await servePty(hostPortEndpoint(port), (e) => event({ event: `client-${e}`, device: path }));
    servers.push(hostServer);
    ports.push([path, hostServer.path]);
    event({ event: 'host-port', path, pty: hostServer.path });
  }
  const bench = new BenchConsole(emulated, clock, ports);
  createInterface({ input: process.stdin }).on('line', (line) => {
    const answer = bench.run(line);
    if (answer) process.stdout.write(`${answer}\n`);
  });
  const stop = () => {
    for (const s of servers) s.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(2);
});
