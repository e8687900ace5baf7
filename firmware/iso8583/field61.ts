import { Iso8583Error } from './message.js';

/**
 * F61 (n...029, original message data) as voids, refunds and pre-auth voids use it:
 * 61.1 original batch n6 | 61.2 original trace (voucher) n6 | 61.3 original date MMDD n4 (refunds,
 * pre-auth voids).
 */
export interface Field61 {
  originalBatch: string;
  originalTrace: string;
  originalDate?: string;
}

export function formatField61(parts: Field61): string {
  const checks: Array<[string, string | undefined, number]> = [
    ['61.1 (originalBatch)', parts.originalBatch, 6],
    ['61.2 (originalTrace)', parts.originalTrace, 6],
  ];
  if (parts.originalDate !== undefined) checks.push(['61.3 (originalDate)', parts.originalDate, 4]);
  for (const [name, value, length] of checks) {
    if (typeof value !== 'string' || value.length !== length || !/^[0-9]*$/.test(value)) {
      throw new Iso8583Error('bad-value', 0, 61, `${name} must be ${length} digits, got ${JSON.stringify(value)}`);
    }
  }
  return parts.originalBatch + parts.originalTrace + (parts.originalDate ?? '');
}

export function parseField61(value: string): Field61 {
  if (!/^[0-9]*$/.test(value) || (value.length !== 12 && value.length !== 16)) {
    throw new Iso8583Error('bad-value', 0, 61, `F61 must be 12 or 16 digits, got ${JSON.stringify(value)}`);
  }
  const parsed: Field61 = { originalBatch: value.slice(0, 6), originalTrace: value.slice(6, 12) };
  if (value.length === 16) parsed.originalDate = value.slice(12, 16);
  return parsed;
}
