/**
 * The log file must never stop the terminal: on a full or read-only SD card a write throws (ENOSPC,
 * EROFS), and a throw inside a logger call would escape the shell's promise chain as an unhandled
 * rejection and kill the process - with owed reversals still on flash. This sink wraps the file's
 * write: a failed line is counted and dropped, the first failure is said once (stderr on the board),
 * and when writing works again a line records how many were lost.
 */
export class FailSafeLogSink {
  private lostSinceLastWrite = 0;
  private total = 0;
  private warned = false;

  constructor(
    private readonly write: (line: string) => void,
    private readonly warnOnce: (message: string) => void,
    private readonly what = 'log file',
  ) {}

  /** Lines dropped since start. */
  get failures(): number {
    return this.total;
  }

  readonly line = (line: string): void => {
    try {
      if (this.lostSinceLastWrite > 0) {
        this.write(JSON.stringify({ t: new Date().toISOString(), level: 'warn', event: 'log.lines-lost', count: this.lostSinceLastWrite }));
        this.lostSinceLastWrite = 0;
      }
      this.write(line);
    } catch (error) {
      this.lostSinceLastWrite++;
      this.total++;
      if (!this.warned) {
        this.warned = true;
        const code = (error as NodeJS.ErrnoException).code ?? String(error);
        this.warnOnce(`${this.what}: write failed (${code}); the terminal goes on trading, log lines are dropped and counted until writing works again`);
      }
    }
  };
}
