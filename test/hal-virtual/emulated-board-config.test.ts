import { ReadlineParser } from '@serialport/parser-readline';
import { describe, expect, it } from 'vitest';
import { readBoardConfig } from '../../firmware/hal/board-config.js';
import { VirtualClock } from '../../firmware/hal/clock.js';
import { emulatedBoardFromConfig } from '../../firmware/hal/virtual/emulated-board.js';

describe('emulated board from a board config', () => {
  it('builds the Uno wiring: keypad, LCD at 0x27, EEPROM at 0x50, printer and reader on host ports', () => {
    const emulated = emulatedBoardFromConfig(readBoardConfig('board-configs/uno-firmata.json'), new VirtualClock());
    expect(emulated.board.profile.name).toBe('uno');
    expect(emulated.keypad!.keys).toContain('ENTER');
    expect(emulated.lcd!.address).toBe(0x27);
    expect(emulated.eeprom!.kind).toBe('eeprom');
    expect([...emulated.hostPorts.keys()].sort()).toEqual(['/dev/ttyUSB0', '/dev/ttyUSB1']);
  });

  it('builds the Mega wiring: FRAM, printer on Serial1, keypad with unfitted positions', () => {
    const emulated = emulatedBoardFromConfig(readBoardConfig('board-configs/mega-firmata.json'), new VirtualClock());
    expect(emulated.board.profile.name).toBe('mega');
    expect(emulated.eeprom!.kind).toBe('fram');
    expect(emulated.keypad!.keys).toHaveLength(17);
    expect(emulated.hostPorts.has('/dev/ttyUSB0')).toBe(true);
    expect(() => emulated.board.serialLine(1)!.connect({ receive: () => undefined }, 9600)).toThrow(/already connected/);
  });

  it('a host-port reader feeds a ReadlineParser the way a serialport SerialPort does, at its baud', async () => {
    const clock = new VirtualClock();
    const emulated = emulatedBoardFromConfig(readBoardConfig('board-configs/uno-firmata.json'), clock);
    const port = emulated.hostPorts.get('/dev/ttyUSB1')!;
    const lines: string[] = [];
    port.pipe(new ReadlineParser({ delimiter: '\r', encoding: 'latin1' })).on('data', (line: string) => lines.push(line));
    emulated.reader!.swipe({ track2: '4352378366824999=051020110000882' });
    clock.advance(30);
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).toEqual([]);
    clock.advance(20);
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).toEqual(['\x02;4352378366824999=051020110000882?\x03']);
  });

  it('a host-port printer receives what the driver writes', async () => {
    const clock = new VirtualClock();
    const emulated = emulatedBoardFromConfig(readBoardConfig('board-configs/uno-firmata.json'), clock);
    const port = emulated.hostPorts.get('/dev/ttyUSB0')!;
    const status: number[] = [];
    port.on('data', (data: Buffer) => status.push(...data));
    port.write(Buffer.from('HELLO\n\x10\x04\x04', 'latin1'));
    clock.advance(20);
    await new Promise((resolve) => setImmediate(resolve));
    expect(emulated.printer!.printed).toEqual(['HELLO']);
    expect(status).toEqual([0x12]);
  });
});
