/**
 * What happened in the simulated terminal's session, newest last, for the console's event log: the
 * requests that left, what the issuer did, the answers that arrived, 冲正, receipts, power and paper.
 * Lines carry masked card numbers only.
 */
export interface SimEvent {
  /** Wall-clock time of the console (hh:mm:ss). */
  at: string;
  text: string;
}

const KEEP = 500;

export class SimEventLog {
  private readonly list: SimEvent[] = [];
  /** Bumped on every change, so a console can tell when to redraw. */
  version = 0;

  constructor(private readonly clock: () => Date = () => new Date()) {}

  add(text: string): void {
    const t = this.clock();
    const at = [t.getHours(), t.getMinutes(), t.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
    this.list.push({ at, text });
    if (this.list.length > KEEP) this.list.splice(0, this.list.length - KEEP);
    this.version++;
  }

  /** The last `n` events, oldest first. */
  last(n: number): SimEvent[] {
    return n <= 0 ? [] : this.list.slice(-n);
  }
}

const MTI_NAMES: Record<string, string> = {
  '0800': 'sign-in',
  '0820': 'echo/sign-off',
  '0100': 'pre-auth',
  '0200': 'financial',
  '0220': 'refund/offline',
  '0400': '冲正 reversal',
  '0500': 'settlement',
  '0320': 'batch upload',
};

/** The name a trainer knows a request by: what the issuer booked it as, else its MTI's job. */
export function describeRequest(mti: string, operation?: string): string {
  return `${operation ?? MTI_NAMES[mti] ?? 'request'} ${mti}`;
}
