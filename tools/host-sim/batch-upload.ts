/**
 * Batch upload (批上送, 0320) F48 as the simulator reads it: an optional n2 record count, then up to
 * 8 records of organisation code n2 + STAN n6 + PAN zero-padded on the left to 20 digits + amount n12.
 */
export interface UploadedRecord {
  org: string;
  stan: string;
  /** As uploaded (zero padding removed). */
  pan: string;
  amountFen: number;
}

const RECORD_DIGITS = 2 + 6 + 20 + 12;

export function parseBatchUploadField48(f48: string): UploadedRecord[] | undefined {
  if (!/^\d*$/.test(f48)) return undefined;
  let body: string;
  if (f48.length % RECORD_DIGITS === 0) body = f48;
  else if ((f48.length - 2) % RECORD_DIGITS === 0 && Number(f48.slice(0, 2)) === (f48.length - 2) / RECORD_DIGITS) body = f48.slice(2);
  else return undefined;
  const records: UploadedRecord[] = [];
  for (let at = 0; at < body.length; at += RECORD_DIGITS) {
    const r = body.slice(at, at + RECORD_DIGITS);
    records.push({ org: r.slice(0, 2), stan: r.slice(2, 8), pan: r.slice(8, 28).replace(/^0+/, ''), amountFen: Number(r.slice(28, 40)) });
  }
  return records.length <= 8 ? records : undefined;
}

/**
 * F48 of the batch-upload end message (60.3 = 202 / 207): the number of records uploaded, n4.
 * undefined when absent (the strict profile refuses that) or not four digits.
 */
export function parseUploadCount(f48: string | undefined): number | undefined {
  return f48 !== undefined && /^\d{4}$/.test(f48) ? Number(f48) : undefined;
}
