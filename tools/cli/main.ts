/**
 * `pos` — the one command for engineers and the test rig. Each subcommand lives in its own module
 * (see dispatch.ts); every error ends as one line that says what to do, and a non-zero exit code.
 */
import { main } from './dispatch.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`pos: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
