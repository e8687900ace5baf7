import { describe, expect, it } from 'vitest';
import { matchResponse, responseMtiFor } from '../../firmware/host/response-matching.js';

const request = { mti: '0200', fields: { 11: '000123', 41: '10000159' } };

describe('response matching', () => {
  it('maps request MTIs to response MTIs', () => {
    expect(responseMtiFor('0200')).toBe('0210');
    expect(responseMtiFor('0800')).toBe('0810');
    expect(responseMtiFor('0820')).toBe('0830');
    expect(responseMtiFor('0400')).toBe('0410');
  });

  it('refuses MTIs that are not requests', () => {
    expect(() => responseMtiFor('0210')).toThrow(/not a request/);
    expect(() => responseMtiFor('02x0')).toThrow(/four digits/);
  });

  it('matches MTI + 10, STAN and terminal id', () => {
    expect(matchResponse(request, { mti: '0210', fields: { 11: '000123', 41: '10000159', 39: '00' } })).toEqual({ matches: true });
    expect(matchResponse(request, { mti: '0230', fields: { 11: '000123', 41: '10000159' } })).toMatchObject({ matches: false, reason: 'wrong-mti' });
    expect(matchResponse(request, { mti: '0210', fields: { 11: '000124', 41: '10000159' } })).toMatchObject({ matches: false, reason: 'wrong-stan' });
    expect(matchResponse(request, { mti: '0210', fields: { 11: '000123', 41: '10000160' } })).toMatchObject({ matches: false, reason: 'wrong-terminal' });
    expect(matchResponse(request, { mti: '0210', fields: { 41: '10000159' } })).toMatchObject({ matches: false, reason: 'wrong-stan', got: undefined });
  });
});
