import { getString, type IsoMessage } from '../../firmware/iso8583/message.js';
import type { LedgerOperation } from './issuer-ledger.js';

/**
 * What a terminal's request asks for, from MTI, processing code (F3), condition code (F25) and the
 * network management code (60.3), per the message table in ../shared/reference/cup-pos.md.
 */
export type RequestKind =
  | { kind: 'sign-in'; keyMode: '001' | '003' | '004' }
  | { kind: 'sign-off' }
  | { kind: 'echo' }
  | { kind: 'balance' }
  | { kind: 'financial'; operation: LedgerOperation }
  | { kind: 'reversal' }
  | { kind: 'settlement' }
  | { kind: 'batch-upload'; last: boolean }
  | { kind: 'unsupported'; why: string };

export function classifyRequest(msg: IsoMessage): RequestKind {
  const f3 = getString(msg, 3);
  const f25 = getString(msg, 25) ?? '00';
  const networkCode = (getString(msg, 60) ?? '').slice(8, 11);
  switch (msg.mti) {
    case '0800':
      return networkCode === '001' || networkCode === '003' || networkCode === '004'
        ? { kind: 'sign-in', keyMode: networkCode }
        : { kind: 'unsupported', why: `0800 with 60.3 "${networkCode}"` };
    case '0820':
      if (networkCode === '002') return { kind: 'sign-off' };
      if (networkCode === '301') return { kind: 'echo' };
      return { kind: 'unsupported', why: `0820 with 60.3 "${networkCode}"` };
    case '0200':
      if (f3 === '310000') return { kind: 'balance' };
      if (f3 === '000000') return { kind: 'financial', operation: f25 === '06' ? 'completion' : 'sale' };
      if (f3 === '200000') return { kind: 'financial', operation: f25 === '06' ? 'completion-void' : 'void' };
      break;
    case '0220':
      if (f3 === '200000') return { kind: 'financial', operation: 'refund' };
      break;
    case '0100':
      if (f3 === '030000') return { kind: 'financial', operation: 'preauth' };
      if (f3 === '200000') return { kind: 'financial', operation: 'preauth-void' };
      break;
    case '0400':
      return { kind: 'reversal' };
    case '0500':
      return { kind: 'settlement' };
    case '0320':
      return { kind: 'batch-upload', last: networkCode === '202' };
  }
  return { kind: 'unsupported', why: `${msg.mti} with processing code "${f3 ?? ''}"` };
}
