/**
 * The flows' building blocks (firmware/app/flows/primitives.ts) as the cashier and the operator
 * meet them: what the log says when the journal or the host fails, and which events end a message
 * screen (a key, the timer) and which do not (a swipe, the paper sensor).
 */
import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../../firmware/app/settings.js';
import { askPaper, EngineProtocolError, hostExchange, journalCall, printJob, waitInput } from '../../firmware/app/flows/primitives.js';
import { EngineDriver } from './doubles/engine-driver.js';
import { flashTestJournal } from './doubles/flash-test-journal.js';

const IDLE_20X4 = 'POS MERCHANT\nOPER 01 READY\nENTER: MENU\n';
const lost = { ok: false, kind: 'timeout', requestSent: true, detail: 'no response' } as const;

async function started(): Promise<EngineDriver> {
  const d = new EngineDriver(await flashTestJournal(), defaultSettings());
  await d.start();
  return d;
}

async function signedIn(): Promise<EngineDriver> {
  const d = await started();
  await d.signIn();
  return d;
}

const events = (d: EngineDriver, name: string) => d.logs.filter((l) => l.event === name);
const stanOf = (d: EngineDriver) => Number(d.sent.at(-1)!.fields[11]);

describe('log lines', () => {
  it('a journal call that fails is logged as journal.failed with the call and whether the journal is full', async () => {
    const d = await signedIn();
    await d.saleKeys(1500);
    d.journal.failNext('declined');
    await d.reply({ 39: '51' });
    expect(events(d, 'journal.failed')).toEqual([
      { event: 'journal.failed', fields: { call: 'declined', full: false, detail: expect.stringContaining('declined') } },
    ]);
  });

  it('a host exchange that fails is logged with the failure kind and whether the request left', async () => {
    const d = await signedIn();
    await d.saleKeys(1500);
    const stan = stanOf(d);
    await d.host(lost);
    expect(events(d, 'host.exchange').at(-1)).toEqual({
      event: 'host.exchange',
      fields: { mti: '0200', stan: String(stan).padStart(6, '0'), failure: 'timeout', requestSent: true },
    });
  });
});

describe('message screens', () => {
  it('a timed message (SIGNED IN) is not ended by a swipe or the paper sensor, only by a key', async () => {
    const d = await started();
    await d.signInKeys();
    await d.reply({ 39: '00', 60: '00000001003', 62: new Uint8Array(24) });
    const signedInScreen = d.screen;
    expect(signedInScreen).toContain('SIGNED IN');
    await d.swipe();
    await d.feed({ kind: 'paper', present: true });
    await d.feed({ kind: 'paper', present: false });
    expect(d.screen).toBe(signedInScreen);
    await d.keys('CLEAR');
    expect(d.screen).toBe(IDLE_20X4);
  });

  it('REVERSAL DONE stays through a swipe and the paper sensor until a key', async () => {
    const d = await signedIn();
    await d.saleKeys(1500);
    await d.host(lost);
    await d.host({ ok: false, kind: 'unreachable', requestSent: false, detail: 'down' });
    await d.advance(10_000);
    await d.saleKeys(2500);
    expect(d.waiting).toMatchObject({ op: 'host', request: { mti: '0400' } });
    await d.reply({ 39: '00' });
    const announced = d.screen;
    expect(announced).toContain('REVERSAL DONE');
    await d.swipe();
    await d.feed({ kind: 'paper', present: true });
    expect(d.screen).toBe(announced);
    expect(d.waiting.op).toBe('input');
    await d.keys('CLEAR');
    expect(d.waiting).toMatchObject({ op: 'host', request: { mti: '0200', fields: { 4: '000000002500' } } });
  });
});

describe('a result of the wrong kind (the engine broke its own protocol)', () => {
  // The main loop logs the error's text: it must name what the step waited for and what came.
  const wrongAnswer = (flow: Generator<unknown, unknown, never>, got: string): unknown => {
    flow.next();
    try {
      flow.next({ kind: got } as never);
    } catch (error) {
      return error;
    }
    return undefined;
  };
  const ctx = { notices: [] } as unknown as Parameters<typeof journalCall>[0];

  it.each([
    ['waitInput', () => waitInput(1000), 'input', 'print-result'],
    ['journalCall', () => journalCall(ctx, { method: 'housekeep' } as never), 'journal-result', 'tick'],
    ['hostExchange', () => hostExchange({ ...ctx, settings: defaultSettings() } as never, { mti: '0800', fields: {} } as never, { mac: false }), 'host-result', 'tick'],
    ['printJob', () => printJob({ kind: 'text', lines: [] } as never), 'print-result', 'key'],
    ['askPaper', () => askPaper(), 'paper-status', 'swipe'],
  ] as const)('%s throws EngineProtocolError "expected %s, got …"', (_, start, expected, got) => {
    const error = wrongAnswer(start() as Generator<unknown, unknown, never>, got);
    expect(error).toBeInstanceOf(EngineProtocolError);
    expect((error as Error).name).toBe('EngineProtocolError');
    expect((error as Error).message).toBe(`expected ${expected}, got ${got}`);
  });
});
