import { describe, expect, it } from 'vitest';
import { cardFromTracks, track2ConfirmedByTrack1 } from '../../../firmware/drivers/magstripe/card-from-tracks.js';
import { isLuhnValid, luhnCheckDigit } from '../../../firmware/drivers/magstripe/luhn.js';

const TRACK1 = 'B4352378366824999^TEST/CARD^05102011000088200882000000';
const TRACK2 = '4352378366824999=051020110000882';

describe('Luhn', () => {
  it('accepts valid numbers and rejects one changed digit or a swap', () => {
    expect(isLuhnValid('4352378366824999')).toBe(true);
    expect(isLuhnValid('4352378366824998')).toBe(false);
    expect(isLuhnValid('4352378366829499')).toBe(false);
    expect(isLuhnValid('43523783668249x9')).toBe(false);
  });
  it('computes the check digit', () => {
    expect(luhnCheckDigit('435237836682499')).toBe('9');
    expect(isLuhnValid(`622202123456789012${luhnCheckDigit('622202123456789012')}`)).toBe(true);
    expect(() => luhnCheckDigit('12a')).toThrow(/digits/);
  });
});

describe('card from track texts', () => {
  it('reads PAN, expiry, service code and name from tracks 1 and 2', () => {
    expect(cardFromTracks({ track1: TRACK1, track2: TRACK2 }, 'forward')).toEqual({
      ok: true,
      pan: '4352378366824999',
      expiry: '0510',
      serviceCode: '201',
      cardholderName: 'TEST/CARD',
      track2: TRACK2,
      direction: 'forward',
    });
  });

  it('track 2 alone is enough; track 3 is passed through', () => {
    const track3 = `99${'4352378366824999'}=1561560500050006001`;
    expect(cardFromTracks({ track2: TRACK2, track3 }, 'backward')).toMatchObject({
      ok: true,
      pan: '4352378366824999',
      track3,
      direction: 'backward',
    });
  });

  it('no track 2 is no-data', () => {
    expect(cardFromTracks({ track1: TRACK1 }, 'forward')).toMatchObject({ ok: false, reason: 'no-data' });
  });

  it('rejects a PAN that fails Luhn (bad-pan)', () => {
    expect(cardFromTracks({ track2: '4352378366824998=051020110000882' }, 'forward')).toEqual({
      ok: false,
      reason: 'bad-pan',
      detail: 'track 2: the 16-digit PAN fails the Luhn check',
    });
  });

  it('rejects track 1 and track 2 PANs that differ, even when both pass Luhn', () => {
    const otherPan = `435237836682490${luhnCheckDigit('435237836682490')}`;
    const track1 = TRACK1.replace('4352378366824999', otherPan);
    expect(cardFromTracks({ track1, track2: TRACK2 }, 'forward')).toMatchObject({ ok: false, reason: 'bad-pan', detail: 'track 1 PAN differs from track 2 PAN' });
    const track3 = `99${otherPan}=1561560500050006001`;
    expect(cardFromTracks({ track2: TRACK2, track3 }, 'forward')).toMatchObject({ ok: false, reason: 'bad-pan', detail: 'track 3 PAN differs from track 2 PAN' });
  });

  it('rejects tracks 1 and 2 that disagree on expiry or service code (bad-format)', () => {
    expect(cardFromTracks({ track1: TRACK1.replace('^0510', '^0610'), track2: TRACK2 }, 'forward')).toMatchObject({ ok: false, reason: 'bad-format', detail: expect.stringContaining('expiry') });
    expect(cardFromTracks({ track1: TRACK1.replace('^0510201', '^0510101'), track2: TRACK2 }, 'forward')).toMatchObject({ ok: false, reason: 'bad-format', detail: expect.stringContaining('service code') });
  });

  it('refuses a track 2 that no ambiguous-name reading of track 1 backs on PAN, expiry and service code', () => {
    // The bench's one wrong read before this check (swipe 8477): service code 121 read as 221.
    const misread = '4352378366824999=051022110000882';
    const names = [TRACK1, TRACK1.replace('TEST/CARD', 'TEST/CAQD')];
    expect(cardFromTracks({ track2: misread, track1Witnesses: names }, 'forward')).toMatchObject({ ok: false, reason: 'bad-format' });
    // One witness that agrees is enough; the name stays out, since the readings differ on it.
    const read = cardFromTracks({ track2: TRACK2, track1Witnesses: names }, 'forward');
    expect(read).toMatchObject({ ok: true, pan: '4352378366824999', serviceCode: '201' });
    expect(read.ok && read.cardholderName).toBe(undefined);
  });

  it('names the broken part of a malformed track 2', () => {
    const cases: [string, string][] = [
      ['4352378366824999051020110000882', 'track 2: no field separator'],
      ['43523783=051020110000882', 'track 2: PAN field is 8 characters, not 12-19 digits'],
      ['4352378366824999=0510', 'track 2: expiry and service code are not 7 digits'],
      ['4352378366824999=0510201100:0882', 'track 2: discretionary data holds non-digits'],
      ['4352378366824999=0513201', 'track 2: expiry month is not 01-12'],
    ];
    for (const [track2, detail] of cases) expect(cardFromTracks({ track2 }, 'forward')).toEqual({ ok: false, reason: 'bad-format', detail });
  });

  it('names the broken part of a malformed track 1', () => {
    expect(cardFromTracks({ track1: TRACK1.replace(/^B/, 'A'), track2: TRACK2 }, 'forward')).toMatchObject({ reason: 'bad-format', detail: 'track 1: format code is not B' });
    expect(cardFromTracks({ track1: 'B4352378366824999^TEST/CARD', track2: TRACK2 }, 'forward')).toMatchObject({ reason: 'bad-format', detail: expect.stringContaining('track 1: fields') });
  });
});

describe('an ambiguous track 2 settled by track 1', () => {
  // Two readings of one track 2 that both pass every check: expiry 0510 read as 0310 together with
  // the last discretionary 2 read as 4 (bits 1 and 2 swapped in each, LSB first: 1010 -> 1100 and
  // 0100 -> 0010, so parity and the LRC hold).
  const misread = '4352378366824999=031020110000884';
  const readings = [misread, TRACK2];

  it('takes the one reading whose PAN, expiry and service code track 1 has', () => {
    expect(track2ConfirmedByTrack1(readings, [TRACK1])).toBe(1);
    // The readings of a track 1 refused for its name alone settle it too, when they agree on the fields.
    expect(track2ConfirmedByTrack1(readings, [TRACK1, 'B4352378366824999^TEST/CARE^05102011000088200882000000'])).toBe(1);
  });

  it('settles nothing when track 1 backs both readings, neither, or its own readings disagree on the fields', () => {
    // Both readings with track 1's fields: they differ only in discretionary data.
    expect(track2ConfirmedByTrack1([TRACK2, '4352378366824999=051020110000884'], [TRACK1])).toBeUndefined();
    expect(track2ConfirmedByTrack1(readings, ['B4352378366824999^TEST/CARD^07102011000088200882000000'])).toBeUndefined();
    expect(track2ConfirmedByTrack1(readings, [TRACK1, 'B4352378366824999^TEST/CARD^03102011000088200882000000'])).toBeUndefined();
    expect(track2ConfirmedByTrack1(readings, [])).toBeUndefined();
  });
});

