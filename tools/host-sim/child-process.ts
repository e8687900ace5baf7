/** The host simulator as a child process (bench:iso8583, fleet soaks): reports its port over IPC, stops on SIGTERM or when the parent goes. */
import { startHostSimulator } from './server.js';
import { DEFAULT_TERMINALS, fleetTerminals } from './terminals.js';

const fleet = Number(process.argv[2] ?? '50');
const sim = await startHostSimulator({ port: 0, terminals: [...DEFAULT_TERMINALS, ...fleetTerminals(fleet)] });
process.send?.({ port: sim.port });
process.on('SIGTERM', () => void sim.close().then(() => process.exit(0)));
process.on('disconnect', () => void sim.close().then(() => process.exit(0)));
