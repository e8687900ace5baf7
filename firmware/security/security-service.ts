import { CUP_POS_FIELDS, CUP_POS_SM4_FIELDS } from '../iso8583/cup-pos-fields.js';
import type { IsoMessage } from '../iso8583/message.js';
import type { CipherFamily } from './block-cipher.js';
import { signMessage, verifyMac, type MacScheme } from './message-mac.js';
import { encryptPinBlock } from './pin-block.js';
import { SecurityError } from './security-error.js';
import { WorkingKeys } from './working-keys.js';

/**
 * The terminal's security in one object, shaped for the engine's TerminalSecurity port
 * (firmware/app/terminal-security.ts): sign requests, verify responses, make PIN blocks, install
 * the keys of a sign-in. The master key and working keys stay inside.
 */
export interface SecurityServiceOptions {
  /** The terminal master key (see master-key.ts). */
  masterKey: Uint8Array;
  macScheme: MacScheme;
  /** PIN block and key-exchange cipher; 'tdes' unless the acquirer uses SM4. */
  cipher?: CipherFamily;
}

/** 60.3 of the sign-in: which F62 layout to expect. */
export type KeyMode = '001' | '003' | '004';

const F62_LENGTH: Record<KeyMode, number> = { '001': 24, '003': 40, '004': 60 };

export type KeyInstallResult = { ok: true } | { ok: false; reason: 'key-check-failed' | 'bad-field62' };

export class SecurityService {
  private readonly keys: WorkingKeys;
  private readonly masterKey: Uint8Array;
  private readonly macScheme: MacScheme;

  constructor(options: SecurityServiceOptions) {
    this.keys = new WorkingKeys(options.cipher ?? 'tdes');
    this.masterKey = options.masterKey;
    this.macScheme = options.macScheme;
  }

  get signedIn(): boolean {
    return this.keys.signedIn;
  }

  /** The request with F64 set, or undefined before a sign-in. */
  sign(request: IsoMessage): IsoMessage | undefined {
    if (!this.keys.signedIn) return undefined;
    return signMessage(request, this.keys.require(), this.macScheme, this.fieldTable());
  }

  /** Whether a received body's F64 verifies under the working MAK (false before a sign-in). */
  verify(response: { body: Uint8Array }): boolean {
    return this.keys.signedIn && verifyMac(response.body, this.keys.require(), this.macScheme);
  }

  /** F52 for this PIN and PAN; throws SecurityError('not-signed-in') before a sign-in. */
  pinBlock(pin: string, pan: string): Uint8Array {
    return encryptPinBlock(pin, pan, this.keys.require().pik, this.keys.family);
  }

  /** Installs F62's keys; on any failure the old keys stay. */
  installKeys(field62: Uint8Array, keyMode?: KeyMode): KeyInstallResult {
    if (keyMode !== undefined && field62.length !== F62_LENGTH[keyMode]) return { ok: false, reason: 'bad-field62' };
    try {
      this.keys.applySignIn(field62, this.masterKey);
      return { ok: true };
    } catch (error) {
      if (error instanceof SecurityError && error.kind === 'key-check-failed') return { ok: false, reason: 'key-check-failed' };
      if (error instanceof SecurityError) return { ok: false, reason: 'bad-field62' };
      throw error;
    }
  }

  /** Sign-off: forget the working keys. */
  signOff(): void {
    this.keys.clear();
  }

  /** The field table matching the PIN block size (F52 is 16 bytes with SM4). */
  fieldTable(): typeof CUP_POS_FIELDS {
    return this.keys.family === 'sm4' ? CUP_POS_SM4_FIELDS : CUP_POS_FIELDS;
  }
}
