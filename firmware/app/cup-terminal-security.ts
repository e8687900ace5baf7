/** The TerminalSecurity port on firmware/security: CUP MAC, format-0 PIN block, F62 key exchange. */
import type { HostExchangeResult } from '../iso8583/received-message.js';
import type { IsoMessage } from '../iso8583/message.js';
import { signMessage, verifyMac, type MacScheme } from '../security/message-mac.js';
import { encryptPinBlock } from '../security/pin-block.js';
import { SecurityError } from '../security/security-error.js';
import { encryptTrack } from '../security/track-encryption.js';
import { WorkingKeys } from '../security/working-keys.js';
import type { KeyInstallOutcome } from './engine-io.js';
import type { TerminalSecurity } from './terminal-security.js';

export class CupTerminalSecurity implements TerminalSecurity {
  constructor(
    private readonly masterKey: Uint8Array,
    private readonly keys: WorkingKeys = new WorkingKeys('tdes'),
    private readonly macScheme: MacScheme = 'cup-ecb',
  ) {}

  get signedIn(): boolean {
    return this.keys.signedIn;
  }

  sign(request: IsoMessage): IsoMessage | undefined {
    if (!this.keys.signedIn) return undefined;
    return signMessage(request, this.keys.require(), this.macScheme);
  }

  verify(response: HostExchangeResult): boolean {
    if (!this.keys.signedIn) return false;
    return verifyMac(response.body, this.keys.require(), this.macScheme);
  }

  encryptTracks(request: IsoMessage): IsoMessage {
    const tdk = this.keys.require().tdk;
    if (!tdk) throw new SecurityError('not-signed-in', 'no track key: sign in with key mode 004');
    const fields = { ...request.fields };
    for (const field of [35, 36]) {
      const track = fields[field];
      if (typeof track === 'string') fields[field] = encryptTrack(track, tdk, this.keys.family);
    }
    return { ...request, fields };
  }

  pinBlock(pin: string, pan: string): Uint8Array {
    return encryptPinBlock(pin, pan, this.keys.require().pik, this.keys.family);
  }

  clearKeys(): void {
    this.keys.clear();
  }

  installKeys(field62: Uint8Array, keyMode: '003' | '004'): KeyInstallOutcome {
    // Key mode 004 promises a TDK (PIK + MAK + TDK, 60 bytes); without one tracks could not be protected.
    if (keyMode === '004' && field62.length !== 60) return { ok: false, reason: 'bad-field62' };
    try {
      this.keys.applySignIn(field62, this.masterKey);
      return { ok: true };
    } catch (error) {
      if (error instanceof SecurityError) {
        return { ok: false, reason: error.kind === 'key-check-failed' ? 'key-check-failed' : 'bad-field62' };
      }
      throw error;
    }
  }
}
