import { listSerialPorts } from '../../firmware/hal/board-loader.js';
import { UsageError, type Command } from './command.js';

export const portsCommand: Command = {
  usage: `pos ports

Lists this computer's serial ports with their manufacturer, for board.port (Firmata) and the printer
and reader paths of a board config. Where udev is missing (containers) it says so in one line.`,
  async run(argv) {
    if (argv.length > 0) throw new UsageError(`pos ports takes no arguments (got "${argv.join(' ')}")`);
    const listing = await listSerialPorts();
    if (!listing.ok) {
      console.log(listing.reason);
      return 1;
    }
    if (listing.ports.length === 0) console.log('no serial ports found; is the board plugged in?');
    for (const port of listing.ports) console.log(port.manufacturer ? `${port.path}  ${port.manufacturer}` : port.path);
    return 0;
  },
};
