import { describe, expect, it } from 'vitest';
import { JsonLineLogger, MemoryLogger } from '../../firmware/hal/log.js';

describe('structured logs', () => {
  it('write one JSON line per event with time, level and event, below the minimum level nothing', () => {
    const lines: string[] = [];
    const logger = new JsonLineLogger((l) => lines.push(l), 'info', () => new Date('2026-11-22T01:02:03Z'));
    logger.log('debug', 'keypad.scan');
    logger.log('warn', 'host.timeout', { stan: '000123', maskedPan: '621700*********0012' });
    expect(lines).toEqual([
      '{"t":"2026-11-22T01:02:03.000Z","level":"warn","event":"host.timeout","stan":"000123","maskedPan":"621700*********0012"}',
    ]);
  });

  it('withhold PIN, PIN block, track data, CVN and a field named pan, whatever a caller passes', () => {
    const logger = new MemoryLogger();
    const secrets = { pin: '123456', pinBlock: 'A1B2', track1: '%B62...?', track2: '6217=3012', track3: ';..?', pan: '6217000000000000012', cvv: '123', cvn: '456' };
    logger.log('error', 'careless', { ...secrets, stan: '000001' });
    const fields = logger.lines[0]!.fields;
    for (const name of Object.keys(secrets)) expect(fields[name]).toBe('[withheld]');
    expect(fields.stan).toBe('000001');
    expect(JSON.stringify(logger.lines)).not.toMatch(/6217000000000000012|123456|6217=3012/);
  });
});
