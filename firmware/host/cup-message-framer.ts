import { decodeMessage, encodeMessage } from '../iso8583/codec.js';
import { CUP_POS_FIELDS } from '../iso8583/cup-pos-fields.js';
import type { FieldTable } from '../iso8583/field-spec.js';
import { frame, type Frame } from '../iso8583/framing.js';
import type { IsoMessage } from '../iso8583/message.js';
import type { HostExchangeResult } from '../iso8583/received-message.js';

/** Turns a message into a whole frame for the wire and a received frame back into a message. */
export interface MessageFramer {
  /** length(2) | TPDU | header | MTI..fields. */
  pack(message: IsoMessage): Uint8Array;
  /** Throws on a body that does not decode; `body` in the result is the MTI..end part, as received. */
  unpack(received: Frame): HostExchangeResult;
}

export interface CupFramerConfig {
  /** 5 bytes: 60 | destination(2) | source(2). Default 60 0003 0000, as in the public sign-in capture. */
  tpdu?: Uint8Array;
  /** 6 bytes: 60 31 | status/request nibbles | version. Default 60 31 00 31 13 12. */
  header?: Uint8Array;
  /** The field table (CUP_POS_SM4_FIELDS when PIN blocks are SM4). */
  fields?: FieldTable;
}

export const DEFAULT_TPDU = Uint8Array.of(0x60, 0x00, 0x03, 0x00, 0x00);
export const DEFAULT_HEADER = Uint8Array.of(0x60, 0x31, 0x00, 0x31, 0x13, 0x12);

/** The terminal's framer: the CUP POS codec inside the acquirer's TPDU and header. */
export function cupMessageFramer(config: CupFramerConfig = {}): MessageFramer {
  const envelope = { tpdu: config.tpdu ?? DEFAULT_TPDU, header: config.header ?? DEFAULT_HEADER };
  const fields = config.fields ?? CUP_POS_FIELDS;
  return {
    pack: (message) => frame(encodeMessage(message, fields), envelope),
    unpack: (received) => ({ message: decodeMessage(received.body, fields), body: received.body }),
  };
}
