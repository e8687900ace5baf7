import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { dotRowsToPng } from '../../../firmware/drivers/printer/dot-png.js';
import { ROWS_PER_LINE } from '../../../firmware/drivers/printer/rasteriser.js';
import { layoutReceipt } from '../../../firmware/drivers/printer/receipt-layout.js';
import { VirtualHeadPrinter } from '../../../firmware/drivers/printer/virtual-head-printer.js';
import { REVERSAL_FAILED, SALE_RECEIPT } from './sample-jobs.js';

describe('virtual head printer', () => {
  it('keeps the printed lines and renders a 384-dot-wide PNG, one pixel row per dot row', async () => {
    const printer = new VirtualHeadPrinter();
    expect(await printer.print(SALE_RECEIPT)).toEqual({ ok: true });
    const lines = layoutReceipt(SALE_RECEIPT);
    expect(printer.printedLines).toEqual(lines);
    const png = PNG.sync.read(printer.toPng());
    expect(png.width).toBe(384);
    expect(png.height).toBe(lines.length * ROWS_PER_LINE);
    let black = 0;
    for (let i = 0; i < png.data.length; i += 4) if (png.data[i] === 0) black++;
    expect(black).toBeGreaterThan(1000);
    expect(printer.maxDotsFiring).toBeLessThanOrEqual(61);
    expect(printer.simulatedMs).toBeGreaterThan(0);
  });

  it('runs out of paper after N lines, then prints the job again from the top after a reload', async () => {
    const printer = new VirtualHeadPrinter({ paperOutAfterLines: 10 });
    expect(await printer.print(SALE_RECEIPT)).toEqual({ ok: false, reason: 'paper-out', linesPrinted: 10 });
    expect(await printer.paperPresent()).toBe(false);
    expect(printer.printedLines).toEqual(layoutReceipt(SALE_RECEIPT).slice(0, 10));
    printer.reload();
    expect(await printer.paperPresent()).toBe(true);
    expect(await printer.print({ ...SALE_RECEIPT, reprint: true })).toEqual({ ok: true });
    expect(printer.jobs.map((j) => j.outcome.ok)).toEqual([false, true]);
    expect(printer.jobs[1]!.lines.join('\n')).toContain('重打印 REPRINT');
    expect(PNG.sync.read(printer.toPng()).height).toBe(printer.printedLines.length * ROWS_PER_LINE);
  });

  it('renders one job on its own and writes each job to pngDir', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'virtual-head-'));
    try {
      const printer = new VirtualHeadPrinter({ pngDir: dir });
      await printer.print(REVERSAL_FAILED);
      await printer.print(SALE_RECEIPT);
      const second = PNG.sync.read(printer.toPng(1));
      expect(second.height).toBe(layoutReceipt(SALE_RECEIPT).length * ROWS_PER_LINE);
      expect(readFileSync(join(dir, 'receipt-2.png'))).toEqual(printer.toPng(1));
      expect(PNG.sync.read(readFileSync(join(dir, 'receipt-1.png'))).height).toBe(layoutReceipt(REVERSAL_FAILED).length * ROWS_PER_LINE);
      expect(() => printer.toPng(2)).toThrow(/no printed job #2/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('counts paper across jobs', async () => {
    const printer = new VirtualHeadPrinter({ paperOutAfterLines: layoutReceipt(REVERSAL_FAILED).length + 2 });
    expect(await printer.print(REVERSAL_FAILED)).toEqual({ ok: true });
    expect(await printer.print(REVERSAL_FAILED)).toEqual({ ok: false, reason: 'paper-out', linesPrinted: 2 });
  });

  it('rejects a bad job and a PNG of nothing', async () => {
    const printer = new VirtualHeadPrinter();
    await expect(printer.print({ ...SALE_RECEIPT, amountFen: -1 })).rejects.toThrow(/amountFen/);
    expect(() => dotRowsToPng([])).toThrow(/no dot rows/);
  });
});
