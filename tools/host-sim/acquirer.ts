import { encodeMessage } from '../../firmware/iso8583/codec.js';
import { parseField60 } from '../../firmware/iso8583/field60.js';
import { parseField61 } from '../../firmware/iso8583/field61.js';
import { getBytes, getString, type IsoMessage } from '../../firmware/iso8583/message.js';
import { responseMtiFor } from '../../firmware/host/response-matching.js';
import {
  cardOrigin,
  computeTotals,
  formatSettlementField48,
  parseSettlementField48,
  type SettlementTotals,
} from '../../firmware/iso8583/settlement-totals.js';
import { parseBatchUploadField48, parseUploadCount, type UploadedRecord } from './batch-upload.js';
import type { Issuer, PinCheck, TransactionRecord } from './issuer.js';
import { classifyRequest, type RequestKind } from './request-kind.js';
import { decorateResponse, strictRefusal, type HostProfile } from './strict-cup.js';

/** The clear working keys of one terminal's session, as the simulator issued them at sign-in. */
export interface WorkingKeys {
  pik: Uint8Array;
  mak: Uint8Array;
  tdk?: Uint8Array;
}

/** The cryptography the acquirer needs, provided by firmware/security (see sim-security.ts). */
export interface AcquirerSecurity {
  /** Fresh working keys for the sign-in key mode, and F62: each encrypted under the master key with its check value. */
  issueWorkingKeys(masterKey: Uint8Array, keyMode: '001' | '003' | '004'): { keys: WorkingKeys; field62: Uint8Array };
  /** F64 over `macInput` (MTI..F63 as encoded). */
  mac(macInput: Uint8Array, mak: Uint8Array): Uint8Array;
  /** The clear PIN in a format-0 PIN block, or undefined when the block does not decode. */
  pinFromBlock(pinBlock: Uint8Array, pan: string, pik: Uint8Array): string | undefined;
  /** A track the terminal encrypted under the TDK (key mode 004), in the clear. */
  decryptTrack(track: string, tdk: Uint8Array): string;
}

export interface TerminalConfig {
  terminalId: string;
  merchantId: string;
}

export interface TerminalSession extends TerminalConfig {
  batch: string;
  keys?: WorkingKeys;
  /** open -> (unbalanced settlement) awaiting-upload -> (upload end) settled on the terminal's books, open again. */
  settlement: 'open' | 'awaiting-upload';
  uploaded: UploadedRecord[];
  /** The totals of the unbalanced 0500 the upload follows. */
  unbalancedTotals?: { terminalTotals: SettlementTotals; hostTotals: SettlementTotals };
  /** STANs of financial requests seen in the current batch (94 on a repeat). */
  seenStans: Set<string>;
}

export interface StoredSession {
  terminalId: string;
  batch: string;
  seenStans: string[];
}

/** What one settlement ended as, for tests and the console. */
export interface SettlementOutcome {
  terminalId: string;
  batch: string;
  terminalTotals: SettlementTotals;
  hostTotals: SettlementTotals;
  balanced: boolean;
  /** Closed by the terminal's batch upload after an unbalanced 0500 (CUP: no second 0500). */
  afterUpload: boolean;
  /** STANs the host has approved but the terminal did not upload, and the reverse (after upload only). */
  hostOnlyStans: string[];
  terminalOnlyStans: string[];
}

export interface Handled {
  /** undefined: the request cannot be answered (no STAN or terminal to answer to); close the connection. */
  response?: IsoMessage;
  /** The encoded response body (MTI..end), MAC included. */
  responseBody?: Uint8Array;
  /** Financial records this request created or reversed. */
  records: TransactionRecord[];
  settlement?: SettlementOutcome;
  /** Why a request was refused, for the log. */
  note?: string;
}

/** Requests that must carry a MAC; their responses carry one too. */
const MAC_REQUIRED = new Set(['0100', '0200', '0220', '0400']);

export interface AcquirerOptions {
  issuer: Issuer;
  security: AcquirerSecurity;
  masterKey: Uint8Array;
  terminals: readonly TerminalConfig[];
  now: () => Date;
  /** First batch number of every terminal. Default "000001". */
  firstBatch?: string;
  /** 'standard' (default) or 'strict-cup': a demanding acquirer (strict-cup.ts). */
  profile?: HostProfile;
}

/**
 * The acquirer: terminal registry, sessions (working keys, batch), MAC and PIN checks, and the
 * message-level rules (94, 77, 97, A0, settlement). Money rules are the issuer's.
 */
export class Acquirer {
  private readonly sessions = new Map<string, TerminalSession>();
  readonly settlements: SettlementOutcome[] = [];
  readonly profile: HostProfile;

  constructor(private readonly options: AcquirerOptions) {
    this.profile = options.profile ?? 'standard';
    for (const t of options.terminals) {
      this.sessions.set(t.terminalId, { ...t, batch: options.firstBatch ?? '000001', settlement: 'open', uploaded: [], seenStans: new Set() });
    }
  }

  /**
   * What the host remembers of each terminal across restarts: its batch and the STANs it used in it.
   * Working keys are not kept (a restarted host makes terminals sign in again), nor a settlement
   * half-way through its batch upload (the terminal settles again).
   */
  exportSessions(): StoredSession[] {
    return [...this.sessions.values()].map((s) => ({ terminalId: s.terminalId, batch: s.batch, seenStans: [...s.seenStans] }));
  }

  importSessions(stored: readonly StoredSession[]): void {
    for (const s of stored) {
      const session = this.sessions.get(s.terminalId);
      if (!session) continue;
      session.batch = s.batch;
      session.seenStans = new Set(s.seenStans);
    }
  }

  /** The batch the host expects from this terminal next (what sign-in returns in 60.2). */
  currentBatch(terminalId: string): string | undefined {
    return this.sessions.get(terminalId)?.batch;
  }

  /** The MAK of a signed-in terminal (for a fault that writes a wrong MAC on purpose, and for tests). */
  macKey(terminalId: string): Uint8Array | undefined {
    return this.sessions.get(terminalId)?.keys?.mak;
  }

  handle(request: IsoMessage, body: Uint8Array): Handled {
    const stan = getString(request, 11);
    const terminalId = getString(request, 41);
    let responseMti: string;
    try {
      responseMti = responseMtiFor(request.mti);
    } catch {
      return { records: [], note: `MTI ${request.mti} is not a request` };
    }
    if (stan === undefined || terminalId === undefined) return { records: [], note: 'request without STAN or terminal id' };
    const response: IsoMessage = { mti: responseMti, fields: echo(request) };
    const session = this.sessions.get(terminalId);
    if (!session) return this.finish(response, '97', undefined, [], 'unknown terminal');
    if (getString(request, 42) !== undefined && getString(request, 42) !== session.merchantId) {
      return this.finish(response, '03', undefined, [], 'merchant id does not match the terminal');
    }
    const kind = classifyRequest(request);
    const macKey = MAC_REQUIRED.has(request.mti) || getBytes(request, 64) ? session.keys?.mak : undefined;
    if (MAC_REQUIRED.has(request.mti) || getBytes(request, 64)) {
      if (!session.keys) return this.finish(response, 'A0', undefined, [], 'MAC expected but the terminal is not signed in');
      if (!this.macVerifies(body, request, session.keys.mak)) return this.finish(response, 'A0', macKey, [], 'bad MAC');
    }
    if (this.profile === 'strict-cup') {
      const refusal = strictRefusal(request, kind, session, this.options.security);
      if (refusal) return this.finish(response, refusal.code, macKey, [], `strict-cup: ${refusal.why}`);
    }
    return this.answer(request, response, session, kind, macKey);
  }

  private answer(request: IsoMessage, response: IsoMessage, session: TerminalSession, kind: RequestKind, macKey: Uint8Array | undefined): Handled {
    const stan = getString(request, 11)!;
    const terminalId = session.terminalId;
    switch (kind.kind) {
      case 'sign-in': {
        const { keys, field62 } = this.options.security.issueWorkingKeys(this.options.masterKey, kind.keyMode);
        session.keys = keys;
        response.fields[60] = '00' + session.batch + kind.keyMode;
        response.fields[62] = field62;
        return this.finish(response, '00', undefined, []);
      }
      case 'sign-off':
        session.keys = undefined;
        return this.finish(response, '00', undefined, []);
      case 'echo':
        return this.finish(response, '00', macKey, []);
      case 'balance':
        return this.balance(request, response, session, macKey);
      case 'financial':
        return this.financial(request, response, session, kind.operation, macKey);
      case 'reversal': {
        const batch = batchOf(request) ?? session.batch;
        const code = this.options.issuer.reverse(terminalId, batch, stan);
        return this.finish(response, code, macKey, []);
      }
      case 'settlement':
        return this.settle(request, response, session, macKey);
      case 'batch-upload':
        return this.batchUpload(request, response, session, kind.last, macKey);
      case 'unsupported':
        return this.finish(response, '12', macKey, [], kind.why);
    }
  }

  private balance(request: IsoMessage, response: IsoMessage, session: TerminalSession, macKey: Uint8Array | undefined): Handled {
    const card = cardOf(request);
    if (!card) return this.finish(response, '14', macKey, [], 'no PAN');
    const result = this.options.issuer.balance(card.pan, this.pinCheck(request, card.pan, session));
    if (result.availableFen !== undefined) {
      response.fields[54] = '1001156C' + String(Math.max(0, result.availableFen)).padStart(12, '0');
    }
    return this.finish(response, result.code, macKey, []);
  }

  private financial(
    request: IsoMessage,
    response: IsoMessage,
    session: TerminalSession,
    operation: TransactionRecord['operation'],
    macKey: Uint8Array | undefined,
  ): Handled {
    const stan = getString(request, 11)!;
    const batch = batchOf(request);
    if (batch !== session.batch) return this.finish(response, '77', macKey, [], `batch ${batch ?? '?'} is not ${session.batch}`);
    if (session.seenStans.has(stan)) return this.finish(response, '94', macKey, [], `STAN ${stan} already used in batch ${batch}`);
    session.seenStans.add(stan);
    const card = cardOf(request);
    const amount = getString(request, 4);
    if (!card || amount === undefined) return this.finish(response, '30', macKey, [], 'PAN or amount missing');
    const f61 = getString(request, 61);
    let original: { originalBatch?: string; originalTrace?: string } = {};
    if (f61 !== undefined) {
      try {
        original = parseField61(f61);
      } catch {
        return this.finish(response, '30', macKey, [], 'F61 does not parse');
      }
    }
    const record = this.options.issuer.authorize({
      operation,
      terminalId: session.terminalId,
      merchantId: session.merchantId,
      batch: session.batch,
      stan,
      pan: card.pan,
      amountFen: Number(amount),
      pin: this.pinCheck(request, card.pan, session),
      authCode: getString(request, 38),
      originalRrn: getString(request, 37),
      originalBatch: original.originalBatch,
      originalTrace: original.originalTrace,
    });
    response.fields[37] = record.rrn;
    if (record.responseCode === '00') response.fields[38] = record.authCode;
    if (this.profile === 'strict-cup') decorateResponse(response, session);
    return this.finish(response, record.responseCode, macKey, record.responseCode === '00' ? [record] : []);
  }

  private settle(request: IsoMessage, response: IsoMessage, session: TerminalSession, macKey: Uint8Array | undefined): Handled {
    const batch = batchOf(request);
    if (batch !== session.batch) return this.finish(response, '77', macKey, [], `batch ${batch ?? '?'} is not ${session.batch}`);
    let terminalTotals: SettlementTotals;
    try {
      terminalTotals = parseSettlementField48(getString(request, 48) ?? '').totals;
    } catch (err) {
      return this.finish(response, '30', macKey, [], (err as Error).message);
    }
    const approved = this.options.issuer.batchRecords(session.terminalId, batch).filter((r) => r.responseCode === '00');
    const hostTotals = computeTotals(
      approved.map((r) => ({ type: r.operation, origin: cardOrigin(r.pan), amountFen: r.amountFen, voided: r.voided, reversed: r.reversed })),
    );
    const sideBalanced = (side: 'domestic' | 'foreign') =>
      JSON.stringify(hostTotals[side]) === JSON.stringify(terminalTotals[side]);
    const balanced = sideBalanced('domestic') && sideBalanced('foreign');
    if (balanced) {
      this.settlements.push({ terminalId: session.terminalId, batch, terminalTotals, hostTotals, balanced, afterUpload: false, hostOnlyStans: [], terminalOnlyStans: [] });
      response.fields[48] = formatSettlementField48(terminalTotals, '1', '1');
      this.closeBatch(session);
      return { ...this.finish(response, '00', macKey, []), settlement: this.settlements.at(-1)! };
    }
    response.fields[48] = formatSettlementField48(hostTotals, sideBalanced('domestic') ? '1' : '2', sideBalanced('foreign') ? '1' : '2');
    session.settlement = 'awaiting-upload';
    session.uploaded = [];
    session.unbalancedTotals = { terminalTotals, hostTotals };
    // Not yet a settlement of record (that comes with the upload's end), but the harness judges this answer.
    const unbalanced: SettlementOutcome = { terminalId: session.terminalId, batch, terminalTotals, hostTotals, balanced: false, afterUpload: false, hostOnlyStans: [], terminalOnlyStans: [] };
    return { ...this.finish(response, '00', macKey, []), settlement: unbalanced };
  }

  /** The batch is closed: the terminal's next transactions belong to the next batch. */
  private closeBatch(session: TerminalSession): void {
    session.batch = String((Number(session.batch) % 999999) + 1).padStart(6, '0');
    session.settlement = 'open';
    session.uploaded = [];
    session.unbalancedTotals = undefined;
    session.seenStans.clear();
  }

  private batchUpload(
    request: IsoMessage,
    response: IsoMessage,
    session: TerminalSession,
    last: boolean,
    macKey: Uint8Array | undefined,
  ): Handled {
    if (session.settlement === 'open') return this.finish(response, '12', macKey, [], 'batch upload without an unbalanced settlement');
    const f48 = getString(request, 48);
    if (!last) {
      const records = parseBatchUploadField48(f48 ?? '');
      if (!records) return this.finish(response, '30', macKey, [], 'batch upload F48 does not parse');
      session.uploaded.push(...records);
      return this.finish(response, '00', macKey, []);
    }
    // The end message (60.3 = 202/207): F48 is the count uploaded; the batch settles on the terminal's books.
    const count = parseUploadCount(f48);
    if (count !== undefined && count !== session.uploaded.length) {
      return this.finish(response, '30', macKey, [], `batch upload end says ${count} records, ${session.uploaded.length} came`);
    }
    const approved = this.options.issuer.batchRecords(session.terminalId, session.batch).filter((r) => r.responseCode === '00');
    const standing = approved.filter((r) => !r.reversed && r.operation !== 'preauth' && r.operation !== 'preauth-void');
    const uploadedStans = new Set(session.uploaded.map((u) => u.stan));
    const totals = session.unbalancedTotals;
    this.settlements.push({
      terminalId: session.terminalId,
      batch: session.batch,
      terminalTotals: totals?.terminalTotals ?? computeTotals([]),
      hostTotals: totals?.hostTotals ?? computeTotals([]),
      balanced: false,
      afterUpload: true,
      hostOnlyStans: standing.filter((r) => !uploadedStans.has(r.stan)).map((r) => r.stan),
      terminalOnlyStans: session.uploaded.filter((u) => !standing.some((r) => r.stan === u.stan)).map((u) => u.stan),
    });
    const settlement = this.settlements.at(-1)!;
    this.closeBatch(session);
    return { ...this.finish(response, '00', macKey, []), settlement };
  }

  private pinCheck(request: IsoMessage, pan: string, session: TerminalSession): PinCheck {
    const block = getBytes(request, 52);
    if (!block) return 'absent';
    const card = this.options.issuer.card(pan);
    if (!card || !session.keys) return 'wrong';
    return this.options.security.pinFromBlock(block, pan, session.keys.pik) === card.pin ? 'ok' : 'wrong';
  }

  private macVerifies(body: Uint8Array, request: IsoMessage, mak: Uint8Array): boolean {
    const mac = getBytes(request, 64);
    if (!mac || mac.length !== 8 || body.length < 8) return false;
    const expected = this.options.security.mac(body.subarray(0, body.length - 8), mak);
    return expected.length === 8 && expected.every((b, i) => b === mac[i]);
  }

  /** Sets F39, host date/time and, for a MACed exchange, F64; encodes the body. */
  private finish(response: IsoMessage, code: string, macKey: Uint8Array | undefined, records: TransactionRecord[], note?: string): Handled {
    const now = this.options.now();
    response.fields[39] = code;
    response.fields[12] = two(now.getHours()) + two(now.getMinutes()) + two(now.getSeconds());
    response.fields[13] = two(now.getMonth() + 1) + two(now.getDate());
    const responseBody = signResponse(response, macKey, this.options.security);
    return { response, responseBody, records, note };
  }
}

/** Encodes `response`; with a MAC key, fills F64 with the MAC over MTI..F63 and returns the final bytes. */
export function signResponse(response: IsoMessage, macKey: Uint8Array | undefined, security: AcquirerSecurity): Uint8Array {
  if (!macKey) {
    delete response.fields[64];
    return encodeMessage(response);
  }
  response.fields[64] = new Uint8Array(8);
  const body = encodeMessage(response);
  const mac = security.mac(body.subarray(0, body.length - 8), macKey);
  body.set(mac, body.length - 8);
  response.fields[64] = mac;
  return body;
}

/** Request fields a response carries back. */
const ECHOED = [2, 3, 4, 11, 14, 22, 25, 41, 42, 49, 60, 61] as const;

function echo(request: IsoMessage): IsoMessage['fields'] {
  const out: IsoMessage['fields'] = {};
  for (const f of ECHOED) if (request.fields[f] !== undefined) out[f] = request.fields[f];
  return out;
}

function batchOf(request: IsoMessage): string | undefined {
  const f60 = getString(request, 60);
  if (f60 === undefined) return undefined;
  try {
    return parseField60(f60).batchNumber;
  } catch {
    return undefined;
  }
}

/** PAN from F2, else from track 2 (F35) up to the separator. */
function cardOf(request: IsoMessage): { pan: string } | undefined {
  const f2 = getString(request, 2);
  if (f2) return { pan: f2 };
  const track2 = getString(request, 35);
  const pan = track2?.split(/[=D]/)[0];
  return pan ? { pan } : undefined;
}

function two(n: number): string {
  return String(n).padStart(2, '0');
}
