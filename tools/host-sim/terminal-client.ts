import type { HostLink } from '../../firmware/host/host-link.js';
import type { HostExchangeResult } from '../../firmware/iso8583/received-message.js';
import { formatField60 } from '../../firmware/iso8583/field60.js';
import { getBytes, getString, type IsoMessage } from '../../firmware/iso8583/message.js';
import { parseKeyExchange, type WorkingKeySet } from '../../firmware/security/key-exchange.js';
import { signMessage, verifyMac, type MacScheme } from '../../firmware/security/message-mac.js';
import { encryptPinBlock } from '../../firmware/security/pin-block.js';

/**
 * A bare-bones terminal that speaks to the simulator through a HostLink: what the simulator's own
 * tests, the benchmark and the console need to drive it. Not the product's transaction engine —
 * no journal, no reversal policy; it builds messages, signs them and checks response MACs.
 */
export interface ClientCard {
  pan: string;
  expiry: string;
  /** Entered PIN (test data); omitted for no-PIN transactions. */
  pin?: string;
}

export type ClientTransaction = 'balance' | 'sale' | 'void' | 'refund' | 'preauth' | 'preauth-void' | 'completion' | 'completion-void';

/** MTI, F3, F25 and 60.1 per transaction, from the message table in cup-pos.md. */
/** Messages CUP terminals send without a MAC. */
const UNSIGNED_MTIS = new Set(['0800', '0820', '0500', '0320']);

const SHAPES: Record<ClientTransaction, { mti: string; f3: string; f25: string; type: string }> = {
  balance: { mti: '0200', f3: '310000', f25: '00', type: '01' },
  sale: { mti: '0200', f3: '000000', f25: '00', type: '22' },
  void: { mti: '0200', f3: '200000', f25: '00', type: '23' },
  refund: { mti: '0220', f3: '200000', f25: '00', type: '25' },
  preauth: { mti: '0100', f3: '030000', f25: '06', type: '10' },
  'preauth-void': { mti: '0100', f3: '200000', f25: '06', type: '11' },
  completion: { mti: '0200', f3: '000000', f25: '06', type: '20' },
  'completion-void': { mti: '0200', f3: '200000', f25: '06', type: '21' },
};

export interface ClientOriginal {
  rrn?: string;
  authCode?: string;
  batch?: string;
  stan?: string;
  /** MMDD */
  date?: string;
}

export interface ClientReply {
  message: IsoMessage;
  responseCode: string;
  /** The response MAC verified (always true for unMACed management responses). */
  macOk: boolean;
}

export interface TerminalClientConfig {
  link: HostLink;
  terminalId: string;
  merchantId: string;
  masterKey: Uint8Array;
  macScheme?: MacScheme;
  firstStan?: number;
  batch?: string;
}

export class TerminalClient {
  private stan: number;
  private keys: WorkingKeySet | undefined;
  batch: string;
  readonly terminalId: string;

  constructor(private readonly config: TerminalClientConfig) {
    this.stan = config.firstStan ?? 1;
    this.batch = config.batch ?? '000001';
    this.terminalId = config.terminalId;
  }

  get signedIn(): boolean {
    return this.keys !== undefined;
  }

  nextStan(): string {
    const s = String(this.stan).padStart(6, '0');
    this.stan = (this.stan % 999_999) + 1;
    return s;
  }

  /** 0800: takes the working keys from F62 and the batch from 60.2. */
  async signIn(keyMode: '001' | '003' | '004' = '003'): Promise<ClientReply> {
    const reply = await this.send(this.management('0800', '00' + this.batch + keyMode, { 63: '01 ' }));
    if (reply.responseCode === '00') {
      this.keys = parseKeyExchange(getBytes(reply.message, 62)!, this.config.masterKey, 'tdes');
      this.batch = getString(reply.message, 60)!.slice(2, 8);
    }
    return reply;
  }

  signOff(): Promise<ClientReply> {
    this.keys = undefined;
    return this.send(this.management('0820', '00' + this.batch + '002'));
  }

  echo(): Promise<ClientReply> {
    return this.send(this.management('0820', '00' + this.batch + '301'));
  }

  /** Builds (does not send) a financial request. */
  financial(kind: ClientTransaction, card: ClientCard, amountFen: number, original: ClientOriginal = {}, stan = this.nextStan()): IsoMessage {
    const shape = SHAPES[kind];
    const fields: IsoMessage['fields'] = {
      2: card.pan,
      3: shape.f3,
      11: stan,
      14: card.expiry,
      22: card.pin !== undefined ? '021' : '022',
      25: shape.f25,
      41: this.config.terminalId,
      42: this.config.merchantId,
      49: '156',
      // 60.4 = 2 (magstripe reader), 60.5 = 0 (not a fallback), as the strict profile requires.
      60: formatField60({ transactionType: shape.type, batchNumber: this.batch, networkCode: '000', terminalCapability: '2', icCondition: '0' }),
    };
    if (kind !== 'balance') fields[4] = String(amountFen).padStart(12, '0');
    if (card.pin !== undefined) {
      if (!this.keys) throw new Error('sign in before sending a PIN');
      fields[26] = '06';
      fields[52] = encryptPinBlock(card.pin, card.pan, this.keys.pik, 'tdes');
      fields[53] = '2600000000000000';
    }
    if (original.rrn) fields[37] = original.rrn;
    if (original.authCode) fields[38] = original.authCode;
    if (original.stan) fields[61] = (original.batch ?? this.batch) + original.stan + (original.date ?? '');
    return { mti: shape.mti, fields };
  }

  /** The 0400 for `request` with reversal reason `reason` (F39). */
  reversalOf(request: IsoMessage, reason: '98' | '96' | 'A0' | '06' = '98'): IsoMessage {
    const fields: IsoMessage['fields'] = {};
    for (const f of [2, 3, 4, 11, 14, 22, 25, 38, 41, 42, 49, 60, 61]) if (request.fields[f] !== undefined) fields[f] = request.fields[f];
    fields[39] = reason;
    return { mti: '0400', fields };
  }

  settlement(field48: string): IsoMessage {
    return this.management('0500', '00' + this.batch + '20120', { 48: field48 });
  }

  batchUpload(field48: string, last: boolean): IsoMessage {
    return this.management('0320', '00' + this.batch + (last ? '202' : '201'), { 48: field48 });
  }

  /** Signs (when signed in and the message is not a sign-in), sends, and checks the response MAC. */
  async send(request: IsoMessage, options?: { timeoutMs?: number }): Promise<ClientReply> {
    // Sign-in, sign-off/echo, settlement and batch upload go without a MAC (DIALECT.md).
    const signed = this.keys && !UNSIGNED_MTIS.has(request.mti) ? signMessage(request, this.keys, this.scheme) : request;
    const result: HostExchangeResult = await this.config.link.exchange(signed, options);
    const macOk = getBytes(result.message, 64) ? !!this.keys && verifyMac(result.body, this.keys, this.scheme) : true;
    return { message: result.message, responseCode: getString(result.message, 39) ?? '', macOk };
  }

  private get scheme(): MacScheme {
    return this.config.macScheme ?? 'cup-ecb';
  }

  private management(mti: string, field60: string, extra: IsoMessage['fields'] = {}): IsoMessage {
    return { mti, fields: { 11: this.nextStan(), 41: this.config.terminalId, 42: this.config.merchantId, 60: field60, ...extra } };
  }
}
