/** Small device doubles for the engine tests: display, printer, security. */
import type { TextDisplay } from '../../../firmware/drivers/lcd/text-display.js';
import type { PrintJob, PrintOutcome, ReceiptPrinter } from '../../../firmware/drivers/printer/print-job.js';
import type { HostExchangeResult } from '../../../firmware/host/host-link.js';
import type { IsoMessage } from '../../../firmware/iso8583/message.js';
import type { KeyInstallOutcome } from '../../../firmware/app/engine-io.js';
import type { TerminalSecurity } from '../../../firmware/app/terminal-security.js';

export class RecordingDisplay implements TextDisplay {
  readonly history: string[][] = [];
  constructor(
    readonly cols = 20,
    readonly rows = 4,
    readonly chinese = false,
  ) {}
  show(lines: readonly string[]): void {
    this.history.push([...lines]);
  }
  backlight(): void {}
  async flush(): Promise<void> {}
  get text(): string {
    return (this.history.at(-1) ?? []).join('\n');
  }
  /** Everything ever shown, one screen per line group. */
  get all(): string {
    return this.history.map((s) => s.join('|')).join('\n');
  }
}

export class RecordingPrinter implements ReceiptPrinter {
  readonly printed: PrintJob[] = [];
  /** Jobs that fail with paper-out, counted down per print call. */
  paperOutFor = 0;
  async print(job: PrintJob): Promise<PrintOutcome> {
    if (this.paperOutFor > 0) {
      this.paperOutFor -= 1;
      return { ok: false, reason: 'paper-out', linesPrinted: 5 };
    }
    this.printed.push(job);
    return { ok: true };
  }
  async paperPresent(): Promise<boolean> {
    return this.paperOutFor === 0;
  }
}

const GOOD_MAC = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);

/** Signs with a fixed F64 once keys are installed; verifies that the response carries the same. */
export class FakeSecurity implements TerminalSecurity {
  keysLoaded: boolean;
  keyCheckFails = false;
  constructor(keysLoaded = true) {
    this.keysLoaded = keysLoaded;
  }
  static readonly GOOD_MAC = GOOD_MAC;
  sign(request: IsoMessage): IsoMessage | undefined {
    if (!this.keysLoaded) return undefined;
    return { mti: request.mti, fields: { ...request.fields, 64: GOOD_MAC } };
  }
  verify(response: HostExchangeResult): boolean {
    const mac = response.message.fields[64];
    return mac instanceof Uint8Array && mac.every((b, i) => b === GOOD_MAC[i]);
  }
  pinBlock(pin: string): Uint8Array {
    return new Uint8Array(8).fill(pin.length);
  }
  clearKeys(): void {
    this.keysLoaded = false;
  }
  installKeys(): KeyInstallOutcome {
    if (this.keyCheckFails) return { ok: false, reason: 'key-check-failed' };
    this.keysLoaded = true;
    return { ok: true };
  }
}
