import { describe, expect, it } from 'vitest';
import { maskPan } from '../../firmware/security/pan-mask.js';

describe('maskPan (first 6 + last 4, the rest *)', () => {
  it('masks 16- and 19-digit PANs keeping the first six and last four digits', () => {
    expect(maskPan('6222021234567890')).toBe('622202******7890');
    expect(maskPan('6222021234567890123')).toBe('622202*********0123');
  });

  it('ignores separators and keeps only digits', () => {
    expect(maskPan('6222 0212 3456 7890')).toBe('622202******7890');
  });

  it('shows nothing of a PAN too short to mask (10 digits or fewer), and masks 11 digits with one star', () => {
    expect(maskPan('1234567890')).toBe('**********');
    expect(maskPan('123')).toBe('***');
    expect(maskPan('12345678901')).toBe('123456*8901');
  });

  it('fits a screen line by showing fewer stars, never fewer digits', () => {
    expect(maskPan('6222021234567890123', 16)).toBe('622202******0123');
    expect(maskPan('6222021234567890123', 20)).toBe('622202*********0123');
    expect(maskPan('6222021234567890', 16)).toBe('622202******7890');
    expect(maskPan('12345678901', 11)).toBe('123456*8901');
  });
});
