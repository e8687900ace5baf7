/**
 * The strict-cup host profile (`pos host-sim --profile strict-cup`): the simulator answers as a
 * demanding CUP acquirer does (firmware/iso8583/DIALECT.md gives the rule and its source for each).
 * - Responses look like real acquirers' 0210s: F2 padded with F, F43/F44/F46/F56/F59 added, and a
 *   binary F63 (organisation code followed by TLV bytes).
 * - It refuses what real hosts refuse: F60 without 60.4/60.5 (30); a chip card (service code 2xx /
 *   6xx) swiped without the fallback flag (45, use the chip); a MAC on 0500 or 0320 (30); a
 *   batch-upload end without its count (30); encrypted tracks that do not decrypt to the card (30).
 *   A wrong MAC is refused (A0) by every profile.
 */
import { parseField60 } from '../../firmware/iso8583/field60.js';
import { getBytes, getString, type IsoMessage } from '../../firmware/iso8583/message.js';
import type { AcquirerSecurity, TerminalSession } from './acquirer.js';
import { parseUploadCount } from './batch-upload.js';
import type { RequestKind } from './request-kind.js';

export type HostProfile = 'standard' | 'strict-cup';
export const HOST_PROFILES: readonly HostProfile[] = ['standard', 'strict-cup'];

/** F39 for a chip card read from its stripe without the fallback flag (CUP: 45, "please use the chip"). */
export const USE_CHIP_CODE = '45';
export const FORMAT_ERROR = '30';

export interface Refusal {
  code: string;
  why: string;
}

/** Why a strict acquirer refuses this request, or undefined when it goes on to be answered. */
export function strictRefusal(request: IsoMessage, kind: RequestKind, session: TerminalSession, security: AcquirerSecurity): Refusal | undefined {
  const refuse = (code: string, why: string): Refusal => ({ code, why });
  if ((request.mti === '0500' || request.mti === '0320') && getBytes(request, 64)) {
    return refuse(FORMAT_ERROR, `${request.mti} carries a MAC`);
  }
  if (kind.kind === 'batch-upload' && kind.last && parseUploadCount(getString(request, 48)) === undefined) {
    return refuse(FORMAT_ERROR, 'batch-upload end without the count of records (F48 n4)');
  }
  const cardMessage = kind.kind === 'financial' || kind.kind === 'balance';
  if (cardMessage || kind.kind === 'reversal' || kind.kind === 'settlement') {
    const f60 = safeField60(getString(request, 60));
    if (f60?.terminalCapability === undefined || f60.icCondition === undefined) return refuse(FORMAT_ERROR, 'F60 without 60.4/60.5');
  }
  if (!cardMessage) return undefined;
  const track2 = clearTrack2(request, session, security);
  if (track2 === 'undecryptable') return refuse(FORMAT_ERROR, 'F53 says the tracks are encrypted, and they do not decrypt to the card');
  if (track2 === undefined) return undefined;
  const serviceCode = track2.split('=')[1]?.slice(4, 7) ?? '';
  const chip = serviceCode.startsWith('2') || serviceCode.startsWith('6');
  const fallback = safeField60(getString(request, 60))?.icCondition === '2' && (getString(request, 22) ?? '').startsWith('80');
  if (chip && !fallback) return refuse(USE_CHIP_CODE, `chip card (service code ${serviceCode}) swiped without the fallback flag`);
  return undefined;
}

/** Track 2 in the clear: decrypted under the session's TDK when F53 says it is encrypted. */
function clearTrack2(request: IsoMessage, session: TerminalSession, security: AcquirerSecurity): string | undefined | 'undecryptable' {
  const track2 = getString(request, 35);
  if (track2 === undefined) return undefined;
  const encrypted = (getString(request, 53) ?? '')[2] === '1';
  if (!encrypted) return track2;
  const tdk = session.keys?.tdk;
  if (!tdk) return 'undecryptable';
  let clear: string;
  try {
    clear = security.decryptTrack(track2, tdk);
  } catch {
    return 'undecryptable';
  }
  const pan = getString(request, 2);
  if (!/^\d{12,19}=\d{7}/.test(clear) || (pan !== undefined && !clear.startsWith(`${pan}=`))) return 'undecryptable';
  return clear;
}

function safeField60(f60: string | undefined): ReturnType<typeof parseField60> | undefined {
  if (f60 === undefined) return undefined;
  try {
    return parseField60(f60);
  } catch {
    return undefined;
  }
}

/** What a real acquirer's financial response carries beyond the echo (kept, not used, by the terminal). */
export function decorateResponse(response: IsoMessage, session: TerminalSession): void {
  const pan = getString(response, 2);
  if (pan !== undefined && pan.length % 2 === 1) response.fillers = { 2: 'F' };
  response.fields[43] = 'UNIONPAY SIMULATED MERCHANT SHANGHAI  CN'.padEnd(40).slice(0, 40);
  response.fields[44] = '01050000   49910005   ';
  response.fields[46] = `TERM ${session.terminalId}`;
  response.fields[56] = '0000000000';
  response.fields[59] = 'A2003CUP';
  // 63.1 organisation code, then TLV bytes with NULs in them: not text, so it must stay bytes.
  response.fields[63] = Uint8Array.of(0x43, 0x55, 0x50, 0x00, 0x00, 0x01, 0x9f, 0x1f, 0x02, 0x00, 0x01);
}
