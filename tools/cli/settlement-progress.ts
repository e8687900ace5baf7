/**
 * Progress for the one long piece of cashier work, settlement with batch upload: a Logger that
 * passes every event on and, as the engine logs each 0320 exchange, tells `say` how far the upload
 * got ("settlement: batch upload 3/7"). The total is the upload messages the open batch needs plus
 * the closing one.
 */
import { batchUploadField48s } from '../../firmware/app/settlement-totals.js';
import type { Logger, LogLevel } from '../../firmware/hal/log.js';
import type { JournalTransaction } from '../../firmware/journal/journal.js';

export class SettlementProgressLogger implements Logger {
  private sent = 0;
  private total = 0;

  constructor(
    private readonly inner: Logger,
    private readonly transactions: () => readonly JournalTransaction[],
    private readonly say: (line: string) => void,
  ) {}

  log(level: LogLevel, event: string, fields?: Record<string, unknown>): void {
    this.inner.log(level, event, fields);
    if (event === 'host.exchange' && fields?.mti === '0500') {
      this.say(`settlement: ${fields.responseCode === undefined ? 'no answer' : `host answered ${String(fields.responseCode)}`}`);
    }
    if (event === 'host.exchange' && fields?.mti === '0320') {
      if (this.sent === 0) this.total = batchUploadField48s(this.transactions()).length + 1;
      this.sent++;
      this.say(`settlement: batch upload ${this.sent}/${Math.max(this.total, this.sent)}`);
      if (this.sent >= this.total) this.sent = 0;
    }
    if (event === 'settlement.done') {
      this.sent = 0;
      this.say(`settlement: batch ${String(fields?.batchNo)} ${fields?.balanced ? 'balanced' : 'NOT balanced'}`);
    }
  }
}
