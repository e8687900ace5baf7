/**
 * npm run bench:printer — one JSON line for a typical sale receipt (merchant copy with signature):
 *  escpos_bytes_receipt  every byte written to an ESC/POS module (init, text in GB18030, DLE EOT polls)
 *  escpos_seconds_9600   the paced job time at 9600 baud, 50 mm/s module speed, on a virtual clock
 *  head_ms_per_line      bare head: plan time per 0.125 mm dot row, at 25 °C and 7.2 V
 *  mm_per_s_head         bare head paper speed over the whole receipt
 * Head and stepper assumptions are in firmware/drivers/printer/head-config.ts (LTP02-class head, 6 x 64-dot
 * strobe groups, 176 Ω, 7.2 V, 2.5 A => at most 61 dots at once; 4 half-steps per dot row, 0.5 ms minimum
 * half-step; 1 µs per shifted bit on board GPIO). The head figures come from replaying the planner's
 * operations through the head simulator, which also checks the current limit; the bench fails if it is
 * ever exceeded or if the burnt image differs from the raster.
 */
import { VirtualClock } from '../../firmware/hal/clock.js';
import { loadReceiptFont } from '../../firmware/drivers/printer/bitmap-font.js';
import { EscPosPrinter } from '../../firmware/drivers/printer/escpos-printer.js';
import { DEFAULT_HEAD_CONFIG, NOMINAL_CELSIUS, NOMINAL_VOLTS, maxDotsAtOnce, strobeMillis } from '../../firmware/drivers/printer/head-config.js';
import { planHeadRows } from '../../firmware/drivers/printer/head-planner.js';
import { HeadSimulator } from '../../firmware/drivers/printer/head-simulator.js';
import { DOTS_PER_MM, rasteriseLines } from '../../firmware/drivers/printer/rasteriser.js';
import { layoutReceipt } from '../../firmware/drivers/printer/receipt-layout.js';
import { FakeEscPosModule, runOnVirtualClock } from '../../test/drivers/printer/fake-escpos-module.js';
import { SALE_RECEIPT } from '../../test/drivers/printer/sample-jobs.js';

const BAUD = 9600;
const clock = new VirtualClock();
const module = new FakeEscPosModule(clock, BAUD);
const escpos = new EscPosPrinter(module, clock, { baud: BAUD });
const started = clock.now();
const outcome = await runOnVirtualClock(clock, escpos.print(SALE_RECEIPT));
if (!outcome.ok) throw new Error(`ESC/POS print failed: ${JSON.stringify(outcome)}`);
const escposSeconds = (clock.now() - started) / 1000;

const rows = rasteriseLines(layoutReceipt(SALE_RECEIPT), loadReceiptFont());
const plan = planHeadRows(rows, strobeMillis(NOMINAL_CELSIUS, NOMINAL_VOLTS), 0, DEFAULT_HEAD_CONFIG);
const head = new HeadSimulator(DEFAULT_HEAD_CONFIG);
head.apply(plan.ops);
if (head.maxDotsFiring > maxDotsAtOnce(DEFAULT_HEAD_CONFIG)) {
  throw new Error(`current limit exceeded: ${head.maxDotsFiring} dots at once`);
}
if (!rows.every((row, i) => Buffer.from(row).equals(Buffer.from(head.burnt[i] ?? new Uint8Array(row.length))))) {
  throw new Error('burnt dots differ from the raster');
}
const msPerRow = head.elapsedMs / rows.length;

console.log(
  JSON.stringify({
    bench: 'printer',
    escpos_bytes_receipt: module.received.length,
    escpos_seconds_9600: Number(escposSeconds.toFixed(3)),
    head_ms_per_line: Number(msPerRow.toFixed(3)),
    mm_per_s_head: Number((1 / DOTS_PER_MM / (msPerRow / 1000)).toFixed(1)),
  }),
);
