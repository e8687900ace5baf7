/**
 * The host simulator's books in a JSON file: a restart (a new process would do the same) continues
 * with the balances, the ledger entries and their reversals, the RRN sequence and each terminal's
 * batch and used STANs; no clear PAN is written; `pos host-sim ledger` reads them back; a file that
 * is not a books file is refused, never overwritten; a save cut before its rename leaves the last one.
 */
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { getString } from '../../firmware/iso8583/message.js';
import { main } from '../../tools/cli/dispatch.js';
import { HostStore } from '../../tools/host-sim/host-store.js';
import { CARD, startFixture, type SimFixture } from './sim-fixture.js';

let fx: SimFixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
  vi.restoreAllMocks();
});

async function withStore(db: string, firstStan: number): Promise<{ fx: SimFixture; store: HostStore }> {
  const store = await HostStore.open(db);
  fx = await startFixture({ store });
  (fx.terminal as unknown as { stan: number }).stan = firstStan;
  expect((await fx.terminal.signIn()).responseCode).toBe('00');
  return { fx, store };
}

describe('host simulator ledger in a books file', () => {
  it('a restarted host continues: balances, entries, reversals, RRNs, batch and used STANs', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'host-db-')), 'host-books.json');
    const first = await withStore(db, 10);
    const sale = await first.fx.terminal.send(first.fx.terminal.financial('sale', CARD, 8800));
    expect(sale.responseCode).toBe('00');
    const reversed = first.fx.terminal.financial('sale', CARD, 5000);
    expect((await first.fx.terminal.send(reversed)).responseCode).toBe('00');
    expect((await first.fx.terminal.send(first.fx.terminal.reversalOf(reversed))).responseCode).toBe('00');
    const balance = first.fx.sim.ledger.balanceFen(CARD.pan);
    const saleStan = getString(sale.message, 11)!;
    await first.fx.close();
    first.store.close();
    fx = undefined;

    const second = await withStore(db, Number(saleStan));
    expect(second.fx.sim.ledger.balanceFen(CARD.pan)).toBe(balance);
    expect(second.fx.sim.ledger.entries().map((e) => [e.stan, e.amountFen, e.reversed])).toEqual([
      [saleStan, 8800, false],
      [getString(reversed, 11), 5000, true],
    ]);
    // The STAN already used in this batch is refused as a repeat (94), as before the restart.
    expect((await second.fx.terminal.send(second.fx.terminal.financial('sale', CARD, 100, {}, saleStan))).responseCode).toBe('94');
    const next = await second.fx.terminal.send(second.fx.terminal.financial('sale', CARD, 100, {}, '000500'));
    expect(next.responseCode).toBe('00');
    expect(getString(next.message, 37)).toBe('000000000003');
    await second.fx.close();
    second.store.close();
    fx = undefined;
    expect(readFileSync(db).toString('latin1')).not.toContain(CARD.pan);
    expect(statSync(db).mode & 0o777).toBe(0o600);

    const out: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
    expect(await main(['host-sim', 'ledger', '--db', db, '--json'])).toBe(0);
    const report = JSON.parse(out[0]!) as { accounts: { maskedPan: string; balanceFen: number }[]; terminals: { terminalId: string; transactions: { stan: string; state: string }[] }[] };
    expect(report.accounts.find((a) => a.maskedPan === '621700*********0012')?.balanceFen).toBe(balance - 100);
    expect(report.terminals[0]!.terminalId).toBe('10000159');
    expect(report.terminals[0]!.transactions.map((t) => t.state)).toEqual(['standing', 'reversed', 'standing']);
  });

  it('pos host-sim ledger on a missing database says where the ledger comes from', async () => {
    const err: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
    expect(await main(['host-sim', 'ledger', '--db', '/nonexistent/host-books.json'])).toBe(1);
    expect(err[0]).toContain('no host simulator ledger at /nonexistent/host-books.json');
  });

  it('a file that is not a books file is refused with its name, and left as it was', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'host-db-')), 'host-books.json');
    writeFileSync(db, 'SQLite format 3\0');
    await expect(HostStore.open(db)).rejects.toThrow(`${db} is not a host simulator ledger`);
    writeFileSync(db, JSON.stringify({ format: 'something-else' }));
    await expect(HostStore.open(db)).rejects.toThrow('expected pos-host-sim-books/1');
    expect(readFileSync(db, 'utf8')).toBe(JSON.stringify({ format: 'something-else' }));
  });

  it('a half-written temporary beside the books (a save killed before its rename) is ignored: the last saved books load', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'host-db-')), 'host-books.json');
    const first = await withStore(db, 10);
    expect((await first.fx.terminal.send(first.fx.terminal.financial('sale', CARD, 8800))).responseCode).toBe('00');
    const balance = first.fx.sim.ledger.balanceFen(CARD.pan);
    await first.fx.close();
    fx = undefined;
    const saved = readFileSync(db, 'utf8');
    writeFileSync(`${db}.new`, saved.slice(0, saved.length / 2));

    const second = await withStore(db, 20);
    expect(second.fx.sim.ledger.balanceFen(CARD.pan)).toBe(balance);
    expect(second.fx.sim.ledger.entries()).toHaveLength(1);
  });
});
