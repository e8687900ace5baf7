import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { TransactionReceipt } from '../../firmware/drivers/printer/print-job.js';
import { openPrinter } from '../../firmware/drivers/printer/printer-from-config.js';
import { VirtualHeadPrinter } from '../../firmware/drivers/printer/virtual-head-printer.js';
import { readBoardConfig } from '../../firmware/hal/board-config.js';
import { loadBoard } from '../../firmware/hal/board-loader.js';
import { SystemClock } from '../../firmware/hal/clock.js';
import { UsageError, type Command } from './command.js';
import { useTerminalTimeZone } from './terminal-time-zone.js';

export const printTestCommand: Command = {
  usage: `pos print-test [--board <config.json>] [--port <path>] [--receipts <dir>]

Prints a sample receipt (Chinese and English, a masked test card number, no real data) through the
printer the board config describes: ESC/POS on a serial port or the board's UART, the bare thermal
head on GPIO, or the virtual head (default board-configs/sim.json), which writes the receipt's PNG
as <receipts>/print-test.png (--receipts, default var/receipts) and prints its path. --port overrides board.port (Firmata).`,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        board: { type: 'string', default: 'board-configs/sim.json' },
        port: { type: 'string' },
        receipts: { type: 'string', default: 'var/receipts' },
      },
    });
    let config = readBoardConfig(values.board!);
    if (values.port !== undefined) {
      if (config.board.kind !== 'firmata') throw new UsageError(`--port applies to Firmata boards; this config's board is ${config.board.kind}`);
      config = { ...config, board: { ...config.board, port: values.port } };
    }
    useTerminalTimeZone();
    const clock = new SystemClock();
    const virtual = config.printer.kind === 'virtual';
    if (virtual) mkdirSync(values.receipts!, { recursive: true });
    const board = await loadBoard(config, clock);
    try {
      const opened = await openPrinter(config.printer, board.io, clock);
      try {
        const outcome = await opened.printer.print(testReceipt(clock.wallTime()));
        if (!outcome.ok) {
          console.error(`pos print-test: the printer reports ${outcome.reason} after ${outcome.linesPrinted} lines; load paper / check the cable and try again`);
          return 1;
        }
        if (opened.printer instanceof VirtualHeadPrinter) {
          const png = resolve(values.receipts!, 'print-test.png');
          writeFileSync(png, opened.printer.toPng(0));
          console.log(opened.printer.jobs[0]!.lines.join('\n'));
          console.log(`printed on the virtual head: ${png}`);
        } else {
          console.log(`printed a test receipt on the ${config.printer.kind} printer`);
        }
        return 0;
      } finally {
        await opened.close();
      }
    } finally {
      await board.close();
    }
  },
};

function testReceipt(now: Date): TransactionReceipt {
  const pad = (n: number) => String(n).padStart(2, '0');
  return {
    kind: 'transaction',
    copy: 'merchant',
    reprint: false,
    merchantName: '打印测试 PRINT TEST',
    merchantNo: '000000000000000',
    terminalId: '00000000',
    operator: '00',
    issuer: 'TEST',
    acquirer: 'TEST',
    maskedPan: '621700******0000',
    expiry: '00/00',
    transactionType: { zh: '测试', en: 'TEST' },
    batchNo: '000000',
    voucherNo: '000000',
    authCode: '000000',
    referenceNo: '000000000000',
    dateTime: `${now.getFullYear()}/${pad(now.getMonth() + 1)}/${pad(now.getDate())} ${pad(now.getHours())}:${pad(now.getMinutes())}:${pad(now.getSeconds())}`,
    amountFen: 0,
    remarks: ['这是测试凭条，不是交易', 'TEST ONLY - NOT A TRANSACTION'],
    signatureLine: false,
  };
}
