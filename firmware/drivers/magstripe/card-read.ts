/**
 * What a swipe yields to the engine. Track data lives only in memory for the one request that
 * carries it (ISO 8583 field 35/36) and is never stored or logged.
 */
export interface CardRead {
  ok: true;
  pan: string;
  /** YYMM */
  expiry: string;
  serviceCode: string;
  cardholderName?: string;
  /** Track 2 equivalent data as sent in field 35 (digits, '=' as separator), memory only. */
  track2: string;
  /** Track 3 data for field 36 when present, memory only. */
  track3?: string;
  /** The swipe direction the decoder found. */
  direction: 'forward' | 'backward';
}

export type SwipeErrorReason =
  | 'no-data'
  | 'no-start-sentinel'
  | 'no-end-sentinel'
  | 'parity'
  | 'lrc'
  | 'bad-format'
  | 'bad-pan'
  | 'reader-reported-error'
  | 'timing';

/** A bad swipe: the cashier sees 请重刷 / SWIPE AGAIN; `detail` goes to the log. */
export interface SwipeError {
  ok: false;
  reason: SwipeErrorReason;
  detail: string;
}

export type SwipeResult = CardRead | SwipeError;

/**
 * A magstripe reader of any kind (serial ASCII, Firmata serial, clock/data GPIO). Every finished
 * swipe, good or bad, reaches the listeners; a bad one is a SwipeError the engine turns into 请重刷.
 */
export interface SwipeSource {
  /** Adds a listener; returns the function that removes it. */
  onSwipe(listener: (result: SwipeResult) => void): () => void;
  /** Stops listening to the hardware and releases it. */
  close(): Promise<void>;
}
