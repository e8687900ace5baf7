/**
 * `npm run journal -- inspect <image> [--json] [--key-file <path> | --key-hex <hex>]`
 * `npm run journal -- verify <image> [--json]`
 * The same command as `pos journal` (tools/cli/journal-command.ts): opens the image read-only
 * (geometry from its header) and never writes to it.
 */
import { journalCommand } from '../cli/journal-command.js';

journalCommand.run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`journal: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    process.exitCode = 2;
  },
);
