import { describe, expect, it } from 'vitest';
import { ByteLineSplitter } from '../../../firmware/drivers/magstripe/byte-line-splitter.js';
import { ReaderOutputAssembler } from '../../../firmware/drivers/magstripe/reader-output-assembler.js';

const T1 = '%B4352378366824999^TEST/CARD^05102011000088200882000000?';
const T2 = ';4352378366824999=051020110000882?';
const CARD = { ok: true, pan: '4352378366824999', expiry: '0510', serviceCode: '201', cardholderName: 'TEST/CARD', track2: '4352378366824999=051020110000882' };

describe('serial reader output assembler', () => {
  it('one track per line: the swipe completes when both expected tracks arrived', () => {
    const assembler = new ReaderOutputAssembler();
    expect(assembler.acceptLine(T1)).toEqual([]);
    expect(assembler.pending).toBe(true);
    expect(assembler.acceptLine(T2)).toEqual([{ ...CARD, direction: 'forward' }]);
    expect(assembler.pending).toBe(false);
  });

  it('STX ... ETX framing, tracks on one line or across lines', () => {
    const assembler = new ReaderOutputAssembler({ expectedTracks: [1, 2, 3] });
    expect(assembler.acceptLine(`\x02${T1}${T2}\x03`)).toEqual([expect.objectContaining(CARD)]);
    expect(assembler.acceptLine(`\x02${T1}`)).toEqual([]);
    expect(assembler.acceptLine(T2)).toEqual([]);
    expect(assembler.acceptLine('\x03')).toEqual([expect.objectContaining(CARD)]);
    expect(assembler.acceptLine('\x03')).toEqual([]);
    expect(assembler.acceptLine('\x02\x03')).toEqual([{ ok: false, reason: 'no-data', detail: "no track 2 in the reader's output" }]);
  });

  it('a new STX finishes an unterminated swipe', () => {
    const assembler = new ReaderOutputAssembler();
    const results = assembler.acceptLine(`\x02${T1}`).concat(assembler.acceptLine(`\x02${T1}${T2}\x03`));
    expect(results).toEqual([
      { ok: false, reason: 'no-data', detail: "no track 2 in the reader's output" },
      expect.objectContaining(CARD),
    ]);
  });

  it('track 3 after track 2 (";" or "+") reaches CardRead.track3', () => {
    const track3 = '994352378366824999=1561560500050006001';
    for (const sentinel of [';', '+']) {
      const assembler = new ReaderOutputAssembler({ expectedTracks: [2, 3] });
      expect(assembler.acceptLine(T2)).toEqual([]);
      expect(assembler.acceptLine(`${sentinel}${track3}?`)).toEqual([expect.objectContaining({ ok: true, track3 })]);
    }
  });

  it('E for a failed track: track 2 fails the swipe, track 1 only loses the name', () => {
    const failed2 = new ReaderOutputAssembler();
    expect(failed2.acceptLine(`${T1};E?`)).toEqual([{ ok: false, reason: 'reader-reported-error', detail: 'reader reported track 2 failed' }]);
    const bare = new ReaderOutputAssembler({ expectedTracks: [2] });
    expect(bare.acceptLine('E')).toEqual([{ ok: false, reason: 'reader-reported-error', detail: 'reader reported track 2 failed' }]);
    const failed1 = new ReaderOutputAssembler();
    const [result] = failed1.acceptLine(`\x02%E?${T2}\x03`);
    expect(result).toMatchObject({ ok: true, pan: '4352378366824999' });
    expect(result!.ok && result!.cardholderName).toBeUndefined();
    const both = new ReaderOutputAssembler();
    expect(both.acceptLine('E')).toEqual([]);
    expect(both.endOfSwipe()).toEqual({ ok: false, reason: 'reader-reported-error', detail: 'reader reported track 1 failed and sent no track 2' });
  });

  it('endOfSwipe finishes what arrived; nothing pending gives undefined', () => {
    const assembler = new ReaderOutputAssembler({ expectedTracks: [1, 2, 3] });
    expect(assembler.endOfSwipe()).toBeUndefined();
    assembler.acceptLine(T1);
    assembler.acceptLine(T2);
    expect(assembler.endOfSwipe()).toEqual(expect.objectContaining(CARD));
    expect(assembler.endOfSwipe()).toBeUndefined();
  });

  it('malformed output: no end sentinel, a character outside the set, stray text', () => {
    expect(new ReaderOutputAssembler({ expectedTracks: [2] }).acceptLine(';4352378366824999=0510')).toEqual([
      { ok: false, reason: 'bad-format', detail: "track 2: no end sentinel in the reader's output" },
    ]);
    expect(new ReaderOutputAssembler({ expectedTracks: [2] }).acceptLine(';4352378366824999=05102A1?')).toEqual([
      { ok: false, reason: 'bad-format', detail: "track 2: character 23 is outside the track's character set" },
    ]);
    const stray = new ReaderOutputAssembler();
    expect(stray.acceptLine('hello')).toEqual([]);
    expect(stray.endOfSwipe()).toEqual({ ok: false, reason: 'bad-format', detail: "unrecognised text in the reader's output" });
  });

  it('a misread PAN from the reader is still refused (Luhn, cross-track)', () => {
    expect(new ReaderOutputAssembler({ expectedTracks: [2] }).acceptLine(';4352378366824998=051020110000882?')).toEqual([
      expect.objectContaining({ ok: false, reason: 'bad-pan' }),
    ]);
    expect(new ReaderOutputAssembler().acceptLine(`${T1.replace('43523783', '43523738')}${T2}`)).toEqual([
      expect.objectContaining({ ok: false, reason: 'bad-pan', detail: 'track 1 PAN differs from track 2 PAN' }),
    ]);
  });

  it('an LRC byte after "?" and CR/LF remnants are ignored', () => {
    expect(new ReaderOutputAssembler().acceptLine(`\n${T1}x${T2}5`)).toEqual([expect.objectContaining(CARD)]);
  });

  it('refuses an empty or impossible track list', () => {
    expect(() => new ReaderOutputAssembler({ expectedTracks: [] })).toThrow(/expectedTracks/);
    expect(() => new ReaderOutputAssembler({ expectedTracks: [4 as 1] })).toThrow(/expectedTracks/);
  });
});

describe('byte line splitter', () => {
  it('splits on CR and LF, keeps STX/ETX, holds a partial line until flushed', () => {
    const splitter = new ByteLineSplitter();
    const bytes = [...Buffer.from(`\x02${T2}\x03\r\n;43`, 'latin1')];
    expect(splitter.push(bytes.slice(0, 10))).toEqual([]);
    expect(splitter.push(bytes.slice(10))).toEqual([`\x02${T2}\x03`]);
    expect(splitter.flush()).toBe(';43');
    expect(splitter.flush()).toBeUndefined();
  });
});
