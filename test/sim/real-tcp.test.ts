import { afterEach, describe, expect, it } from 'vitest';
import { PowerCut } from '../../firmware/drivers/flash/flash-device.js';
import { TcpHostLink } from '../../firmware/host/tcp-host-link.js';
import { startHostSimulator, type HostSimulator } from '../../tools/host-sim/server.js';
import { Cashier } from './harness/cashier.js';
import { JobLog } from './harness/job-log.js';
import { LedgerOracle } from './harness/ledger-oracle.js';
import { PaperRollPrinter } from './harness/paper-roll-printer.js';
import type { SentRequest } from './harness/sim-host.js';
import { SimTerminal } from './harness/sim-terminal.js';

let sim: HostSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('the harness over real TCP: the host simulator server and the terminal TCP link', () => {
  it('approves, reverses a wrong MAC (A0), and after a power cut once the host applied a sale reverses it at boot', async () => {
    let term!: SimTerminal;
    sim = await startHostSimulator({ seed: 2, now: () => term.clock.wallTime() });
    const server = sim;
    const received: Pick<SentRequest, 'mti' | 'stan' | 'batch'>[] = [];
    server.on('request-received', (r) => {
      received.push({ mti: r.mti, stan: r.stan, batch: undefined });
    });
    const printer = new JobLog(new PaperRollPrinter());
    term = new SimTerminal({
      seed: 2,
      printer: printer,
      link: () => new TcpHostLink({ host: server.host, port: server.port, clock: term.clock }),
    });
    const oracle = new LedgerOracle();
    const cashier = new Cashier(term, () => oracle.receipts());
    await term.boot();
    await cashier.perform({ do: 'sign-in' });
    await cashier.toIdle();
    expect(cashier.signedIn).toBe(true);

    await cashier.perform({ do: 'sale', amountFen: 1111, card: 0 });
    await cashier.toIdle();
    server.faults.add({ kind: 'wrong-mac', mti: '0200' });
    await cashier.perform({ do: 'sale', amountFen: 2222, card: 1 });
    await cashier.toIdle();
    oracle.observe(term.journal.view().transactions);

    // The power goes the moment the issuer has booked the third sale.
    const off = server.on('applied', (event) => {
      if (event.mti === '0200') {
        off();
        term.cutPower();
      }
    });
    await cashier.perform({ do: 'sale', amountFen: 3333, card: 2 });
    expect(term.halted).toBeInstanceOf(PowerCut);
    await term.reboot();
    await cashier.toIdle();
    oracle.observe(term.journal.view().transactions);

    const byAmount = new Map(term.journal.view().transactions.map((tx) => [tx.amountFen, tx]));
    expect(byAmount.get(1111)).toMatchObject({ status: 'approved', printed: true });
    expect(byAmount.get(2222)).toMatchObject({ status: 'reversed', reversalReason: 'A0' });
    expect(byAmount.get(3333)).toMatchObject({ status: 'reversed', reversalReason: '98' });
    expect(received.map((r) => r.mti)).toEqual(['0800', '0200', '0200', '0400', '0200', '0400']);
    expect(server.ledger.entries().map((e) => [e.amountFen, e.reversed])).toEqual([[1111, false], [2222, true], [3333, true]]);
    expect(oracle.check({ ledger: server.ledger, sent: received }, printer.printed, term.journal.view().transactions, { cuts: 1 })).toEqual({
      oneSided: [], lostApprovals: [], wrongReversals: [], stanReuse: [], manual: 0, unknownRefunds: 0, manualUnlisted: [], receiptsWithoutDebit: [],
      approvalsWithoutReceipt: [], settlementMismatches: [], unnecessaryManual: [], reversalsSkipped: [],
    });
    term.shell.stop();
  });
});
