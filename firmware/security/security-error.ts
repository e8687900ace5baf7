/**
 * The one error type of firmware/security. Messages never carry a PIN, a key or a clear PAN.
 * kind 'key-check-failed' messages contain "key check failed" (sign-in shows it, keeps old keys).
 */
export type SecurityErrorKind =
  | 'key-check-failed'
  | 'bad-key'
  | 'bad-key-exchange'
  | 'bad-key-file'
  | 'bad-pin'
  | 'bad-pan'
  | 'bad-pin-block'
  | 'bad-mac-input'
  | 'bad-data'
  | 'cipher-unavailable'
  | 'not-signed-in';

export class SecurityError extends Error {
  constructor(
    readonly kind: SecurityErrorKind,
    detail: string,
  ) {
    super(detail);
    this.name = 'SecurityError';
  }
}
