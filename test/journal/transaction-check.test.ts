import { describe, expect, it } from 'vitest';
import { SimulatedNorFlash } from '../../firmware/drivers/flash/simulated-nor.js';
import { JournalError, type NewTransaction } from '../../firmware/journal/journal.js';
import { openJournal } from '../../firmware/journal/open-journal.js';
import type { FlashJournal } from '../../firmware/journal/flash-journal.js';
import { APPROVAL, TEST_KEY, sale, seededIvs } from './sample-transactions.js';

/**
 * The journal's input gate (transaction-check.ts), through the public calls on a real journal: each
 * bad field is refused with a JournalError naming it, and nothing reaches flash or the view.
 */

async function journalWithSale(): Promise<{ journal: FlashJournal; flash: SimulatedNorFlash }> {
  const flash = new SimulatedNorFlash({ size: 8 * 4096, sectorSize: 4096, programUnit: 16, seed: 3 });
  const journal = await openJournal(flash, { deviceKey: TEST_KEY, randomBytes: seededIvs() });
  await journal.begin(sale(1));
  return { journal, flash };
}

/** The call is refused with exactly `message`, and neither flash nor the journal's view moved. */
async function expectRefused(call: (journal: FlashJournal) => Promise<unknown>, message: string): Promise<void> {
  const { journal, flash } = await journalWithSale();
  const view = journal.view();
  const programs = flash.counters().programs;
  const error = await call(journal).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(JournalError);
  expect((error as Error).message).toBe(message);
  expect(flash.counters().programs).toBe(programs);
  expect(journal.view()).toEqual(view);
}

/** The call succeeds and writes one record: the boundary value is inside the range. */
async function expectAccepted(call: (journal: FlashJournal) => Promise<unknown>): Promise<void> {
  const { journal, flash } = await journalWithSale();
  const programs = flash.counters().programs;
  await call(journal);
  expect(flash.counters().programs).toBe(programs + 1);
}

type Request = NewTransaction['request'];
const withRequest = (fields: Partial<Record<keyof Request, unknown>>): NewTransaction =>
  ({ ...sale(2), request: { ...sale(2).request, ...fields } }) as NewTransaction;
const withFields = (fields: Record<string, unknown>): NewTransaction => ({ ...sale(2), ...fields }) as NewTransaction;

const counterMessage = (name: string, got: string) => `${name} must be an integer from 1 to 999999, got ${got}`;
const amountMessage = (name: string, got: string) => `${name} must be whole fen from 0 to 999999999999, got ${got}`;

describe('begin refuses each bad field by name and writes nothing', () => {
  const refused: [string, NewTransaction, string][] = [
    ['unknown type', withFields({ type: 'cashback' }), 'unknown transaction type cashback'],
    ['type missing', withFields({ type: undefined }), 'unknown transaction type undefined'],
    ['stan 0', withFields({ stan: 0 }), counterMessage('stan', '0')],
    ['stan 1000000', withFields({ stan: 1_000_000 }), counterMessage('stan', '1000000')],
    ['stan 1.5', withFields({ stan: 1.5 }), counterMessage('stan', '1.5')],
    ['stan as a string', withFields({ stan: '2' }), counterMessage('stan', '2')],
    ['voucherNo 0', withFields({ voucherNo: 0 }), counterMessage('voucherNo', '0')],
    ['voucherNo 1000000', withFields({ voucherNo: 1_000_000 }), counterMessage('voucherNo', '1000000')],
    ['batchNo 0', withFields({ batchNo: 0 }), counterMessage('batchNo', '0')],
    ['batchNo 1000000', withFields({ batchNo: 1_000_000 }), counterMessage('batchNo', '1000000')],
    ['amountFen -1', withFields({ amountFen: -1 }), amountMessage('amountFen', '-1')],
    ['amountFen 10^12', withFields({ amountFen: 1_000_000_000_000 }), amountMessage('amountFen', '1000000000000')],
    ['amountFen 0.5', withFields({ amountFen: 0.5 }), amountMessage('amountFen', '0.5')],
    ['amountFen unsafe', withFields({ amountFen: 2 ** 53 }), amountMessage('amountFen', String(2 ** 53))],
    ['operator empty', withFields({ operator: '' }), 'operator must be 1-8 printable ASCII characters'],
    ['operator of 9', withFields({ operator: 'OPERATOR9' }), 'operator must be 1-8 printable ASCII characters'],
    ['operator not a string', withFields({ operator: 1 }), 'operator must be 1-8 printable ASCII characters'],
    ['operator with a newline', withFields({ operator: '01\n' }), 'operator must be 1-8 printable ASCII characters'],
    ['operator starting with DEL', withFields({ operator: '\x7f01' }), 'operator must be 1-8 printable ASCII characters'],
    ['operator with a CJK character', withFields({ operator: '操作员' }), 'operator must be 1-8 printable ASCII characters'],
    ['reversible missing', withFields({ reversible: undefined }), 'reversible must be true or false'],
    ['reversible 1', withFields({ reversible: 1 }), 'reversible must be true or false'],
    ['entryMode chip', withFields({ entryMode: 'chip' }), 'entryMode must be swipe or fallback'],
    ['request missing', withFields({ request: undefined }), 'request is missing'],
    ['request null', withFields({ request: null }), 'request is missing'],
    ['request a string', withFields({ request: '0200' }), 'request is missing'],
    ['mti of 3', withRequest({ mti: '200' }), 'request.mti must be 4 digits'],
    ['mti of 5', withRequest({ mti: '02000' }), 'request.mti must be 4 digits'],
    ['mti with a letter', withRequest({ mti: 'X200' }), 'request.mti must be 4 digits'],
    ['mti a number', withRequest({ mti: 200 }), 'request.mti must be 4 digits'],
    ['processingCode of 5', withRequest({ processingCode: '00000' }), 'request.processingCode must be 6 digits'],
    ['processingCode of 7', withRequest({ processingCode: '0000000' }), 'request.processingCode must be 6 digits'],
    ['request.amountFen -1', withRequest({ amountFen: -1 }), amountMessage('request.amountFen', '-1')],
    ['request.stan 0', withRequest({ stan: 0 }), counterMessage('request.stan', '0')],
    ['localTime with a letter', withRequest({ localTime: '10153a' }), 'request.localTime must be 6 digits'],
    ['localTime of 5', withRequest({ localTime: '10153' }), 'request.localTime must be 6 digits'],
    ['localDate of 5', withRequest({ localDate: '11220' }), 'request.localDate must be 4 digits'],
    ['localDate missing', withRequest({ localDate: undefined }), 'request.localDate must be 4 digits'],
    ['entryMode of 2', withRequest({ entryMode: '02' }), 'request.entryMode must be 3 digits'],
    ['entryMode of 4', withRequest({ entryMode: '0222' }), 'request.entryMode must be 3 digits'],
    ['conditionCode of 1', withRequest({ conditionCode: '0' }), 'request.conditionCode must be 2 digits'],
    ['conditionCode of 3', withRequest({ conditionCode: '000' }), 'request.conditionCode must be 2 digits'],
    ['field60 empty', withRequest({ field60: '' }), 'request.field60 must be 1-32 digits'],
    ['field60 of 33', withRequest({ field60: '1'.repeat(33) }), 'request.field60 must be 1-32 digits'],
    ['field60 with a space', withRequest({ field60: '22 000001' }), 'request.field60 must be 1-32 digits'],
    ['pan of 11', withRequest({ pan: '62220212345' }), 'request.pan must be 12-19 digits'],
    ['pan of 20', withRequest({ pan: '62220212345678901234' }), 'request.pan must be 12-19 digits'],
    ['pan with a dash', withRequest({ pan: '6222-0212345678' }), 'request.pan must be 12-19 digits'],
    ['pan ending in a letter', withRequest({ pan: '622202123456789X' }), 'request.pan must be 12-19 digits'],
    ['expiry of 3', withRequest({ expiry: '291' }), 'request.expiry must be 4 digits'],
    ['expiry of 5', withRequest({ expiry: '29120' }), 'request.expiry must be 4 digits'],
    ['request.authCode empty', withRequest({ authCode: '' }), 'request.authCode must be 1-6 printable ASCII characters'],
    ['request.authCode of 7', withRequest({ authCode: '1234567' }), 'request.authCode must be 1-6 printable ASCII characters'],
    ['originalRrn empty', withRequest({ originalRrn: '' }), 'request.originalRrn must be 1-12 printable ASCII characters'],
    ['originalRrn of 13', withRequest({ originalRrn: '1'.repeat(13) }), 'request.originalRrn must be 1-12 printable ASCII characters'],
    ['field61 empty', withRequest({ field61: '' }), 'request.field61 must be 1-29 digits'],
    ['field61 of 30', withRequest({ field61: '1'.repeat(30) }), 'request.field61 must be 1-29 digits'],
    ['field61 with a letter', withRequest({ field61: '00000A' }), 'request.field61 must be 1-29 digits'],
    ['original.voucherNo 0', withFields({ original: { voucherNo: 0 } }), counterMessage('original.voucherNo', '0')],
    ['original.batchNo 1000000', withFields({ original: { batchNo: 1_000_000 } }), counterMessage('original.batchNo', '1000000')],
    ['original.rrn empty', withFields({ original: { rrn: '' } }), 'original.rrn must be 1-12 printable ASCII characters'],
    ['original.rrn of 13', withFields({ original: { rrn: '1'.repeat(13) } }), 'original.rrn must be 1-12 printable ASCII characters'],
    ['original.authCode of 7', withFields({ original: { authCode: '1234567' } }), 'original.authCode must be 1-6 printable ASCII characters'],
    ['original.date of 3', withFields({ original: { date: '010' } }), 'original.date must be 4 digits'],
    ['original.date with a letter', withFields({ original: { date: '01O2' } }), 'original.date must be 4 digits'],
  ];
  for (const [name, tx, message] of refused) {
    it(name, () => expectRefused((journal) => journal.begin(tx), message));
  }
});

describe('begin accepts each field at its limits', () => {
  const accepted: [string, NewTransaction][] = [
    ['completion-void', sale(2, { type: 'completion-void' })],
    ['stan 999999 and voucherNo 1', withFields({ stan: 999999, voucherNo: 1, request: { ...sale(2).request, stan: 999999 } })],
    ['batchNo 999999', withFields({ batchNo: 999999 })],
    ['amountFen 0', withFields({ amountFen: 0, request: { ...sale(2).request, amountFen: 0 } })],
    ['amountFen 999999999999', withFields({ amountFen: 999_999_999_999 })],
    ['operator of 1', withFields({ operator: '~' })],
    ['operator of 8 printable', withFields({ operator: ' OPER 8~' })],
    ['not reversible, fallback', withFields({ reversible: false, entryMode: 'fallback' })],
    ['entryMode swipe', withFields({ entryMode: 'swipe' })],
    ['field60 of 1 and pan of 12', withRequest({ field60: '0', pan: '622202123456' })],
    ['field60 of 32 and pan of 19', withRequest({ field60: '9'.repeat(32), pan: '6222021234567890123' })],
    ['request authCode, originalRrn, field61 at their longest', withRequest({ authCode: 'AB 12~', originalRrn: 'ABCDEFGHIJKL', field61: '9'.repeat(29) })],
    ['request authCode, originalRrn, field61 at their shortest', withRequest({ authCode: 'A', originalRrn: '1', field61: '0' })],
    ['an original at its limits', withFields({ original: { voucherNo: 999999, batchNo: 1, rrn: 'ABCDEFGHIJKL', authCode: 'ABCDEF', date: '1231' } })],
    ['an empty original', withFields({ original: {} })],
  ];
  for (const [name, tx] of accepted) it(name, () => expectAccepted((journal) => journal.begin(tx)));
});

describe('follow-up calls check their input the same way', () => {
  const approval = (fields: Record<string, unknown>) => ({ ...APPROVAL, ...fields }) as typeof APPROVAL;
  const refused: [string, (journal: FlashJournal) => Promise<unknown>, string][] = [
    ['approval.authCode of 7', (j) => j.approve(1, approval({ authCode: '1234567' })), 'approval.authCode must be 0-6 printable ASCII characters'],
    ['approval.authCode missing', (j) => j.approve(1, approval({ authCode: undefined })), 'approval.authCode must be 0-6 printable ASCII characters'],
    ['approval.rrn of 13', (j) => j.approve(1, approval({ rrn: '3322114455667' })), 'approval.rrn must be 0-12 printable ASCII characters'],
    ['approval.rrn with a tab', (j) => j.approve(1, approval({ rrn: '33221\t445566' })), 'approval.rrn must be 0-12 printable ASCII characters'],
    ['approval.hostDate of 3', (j) => j.approve(1, approval({ hostDate: '112' })), 'approval.hostDate must be 4 digits'],
    ['approval.hostTime with a letter', (j) => j.approve(1, approval({ hostTime: '10153x' })), 'approval.hostTime must be 6 digits'],
    ['approval.hostTime of 7', (j) => j.approve(1, approval({ hostTime: '1015330' })), 'approval.hostTime must be 6 digits'],
    ['responseCode of 1', (j) => j.declined(1, '5'), 'responseCode must be 2-2 printable ASCII characters'],
    ['responseCode of 3', (j) => j.declined(1, '051'), 'responseCode must be 2-2 printable ASCII characters'],
    ['responseCode not printable', (j) => j.declined(1, '5\x00'), 'responseCode must be 2-2 printable ASCII characters'],
    ['tries -1', (j) => j.reversalTried(1, -1), 'reversal tries must be an integer from 0 to 255, got -1'],
    ['tries 256', (j) => j.reversalTried(1, 256), 'reversal tries must be an integer from 0 to 255, got 256'],
    ['tries 1.5', (j) => j.reversalTried(1, 1.5), 'reversal tries must be an integer from 0 to 255, got 1.5'],
    ['tries NaN', (j) => j.reversalTried(1, Number.NaN), 'reversal tries must be an integer from 0 to 255, got NaN'],
    ['settle batch 0', (j) => j.settle(0), counterMessage('batchNo', '0')],
    ['settle batch 1000000', (j) => j.settle(1_000_000), counterMessage('batchNo', '1000000')],
    ['raise stan to 1000000', (j) => j.raiseCounter('stan', 1_000_000), counterMessage('stan', '1000000')],
  ];
  for (const [name, call, message] of refused) it(name, () => expectRefused(call, message));

  const accepted: [string, (journal: FlashJournal) => Promise<unknown>][] = [
    ['an empty approval authCode and rrn', (j) => j.approve(1, approval({ authCode: '', rrn: '' }))],
    ['an approval at its longest', (j) => j.approve(1, approval({ authCode: 'AB 12~', rrn: 'ABCDEFGHIJKL' }))],
    ['responseCode A0', (j) => j.declined(1, 'A0')],
    ['tries 0', (j) => j.reversalTried(1, 0)],
    ['tries 255', (j) => j.reversalTried(1, 255)],
    ['settle batch 999999', (j) => j.settle(999999)],
    ['raise stan to 999999', (j) => j.raiseCounter('stan', 999999)],
  ];
  for (const [name, call] of accepted) it(name, () => expectAccepted(call));
});
