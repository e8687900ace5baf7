/**
 * A size-capped log file for the board's SD card: lines append to `path`; when the next line would
 * take it past `maxBytes`, the file becomes `path.1` (replacing the older one) and a new file starts.
 * At most about 2 x maxBytes of logs ever rest on the card. Writes are synchronous appends of one
 * short line, so a line is either whole or missing after a power cut. The file is created 0600
 * whatever the umask: the log names terminals, merchants and masked cards, for the service user only.
 */
import { appendFileSync, renameSync, statSync } from 'node:fs';

export class RotatingLogFile {
  private size: number;

  constructor(
    readonly path: string,
    readonly maxBytes: number = 1024 * 1024,
  ) {
    if (!Number.isInteger(maxBytes) || maxBytes < 256) throw new RangeError(`log file cap must be an integer >= 256 bytes, got ${maxBytes}`);
    try {
      this.size = statSync(path).size;
    } catch {
      this.size = 0;
    }
  }

  /** Appends one line (a newline is added). */
  write(line: string): void {
    const bytes = Buffer.byteLength(line) + 1;
    if (this.size > 0 && this.size + bytes > this.maxBytes) {
      renameSync(this.path, `${this.path}.1`);
      this.size = 0;
    }
    appendFileSync(this.path, `${line}\n`, { mode: 0o600 });
    this.size += bytes;
  }
}
