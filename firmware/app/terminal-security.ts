/**
 * What the shell needs from security (MAC, PIN block, working keys), as a port: the composition root
 * adapts firmware/security to it, tests use doubles. Keys and PINs stay behind this interface.
 */
import type { HostExchangeResult } from '../iso8583/received-message.js';
import type { IsoMessage } from '../iso8583/message.js';
import type { KeyInstallOutcome } from './engine-io.js';

export interface TerminalSecurity {
  /** The request with F64 set, or undefined when no working MAC key is loaded (sign in first). */
  sign(request: IsoMessage): IsoMessage | undefined;
  /** Whether the response's F64 matches its bytes under the working MAC key. */
  verify(response: HostExchangeResult): boolean;
  /**
   * The request with F35/F36 encrypted under the working TDK (key mode 004); throws when no TDK is
   * loaded, so that clear tracks are never sent by mistake.
   */
  encryptTracks(request: IsoMessage): IsoMessage;
  /** F52 for this PIN and PAN under the working PIN key (ISO 9564 format 0). */
  pinBlock(pin: string, pan: string): Uint8Array;
  /** Decrypts and checks the keys in a sign-in response's F62; keeps the old keys on failure. */
  installKeys(field62: Uint8Array, keyMode: '003' | '004'): KeyInstallOutcome;
  /** Sign-off: overwrite and forget the working keys. */
  clearKeys(): void;
}
