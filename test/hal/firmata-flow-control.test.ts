/**
 * Flow control on the Firmata wire (firmware/hal/firmata-flow-control.ts).
 *
 * The shared-wire case runs the terminal's real drivers - the matrix keypad scanning a held key,
 * the PCF8574 LCD, the AT24C256 journal reading a sector - through firmata-io on the Firmata
 * emulator wired as board-configs/uno-firmata.json, on a virtual clock. The emulator follows
 * StandardFirmataPlus 2.5.9 on an Uno: Serial.write blocks when the Arduino core's 64-byte transmit
 * ring is full, and input past the 63 usable bytes of its receive ring is lost
 * (tools/firmata-emulator/README.md). Without flow control that is what happens to the LCD's bytes,
 * and the glass keeps characters the driver believes it cleared - the HIL echo test's `TER  0.01`.
 */
import firmataIo from 'firmata-io';
import { describe, expect, it } from 'vitest';
import { readBoardConfig } from '../../firmware/hal/board-config.js';
import { VirtualClock } from '../../firmware/hal/clock.js';
import { FirmataFlowControl, TAIL_BYTES, type FirmataByteTransport } from '../../firmware/hal/firmata-flow-control.js';
import type { IoPlugin } from '../../firmware/hal/io-plugin.js';
import { emulatedBoardFromConfig } from '../../firmware/hal/virtual/emulated-board.js';
import { encodeCommand } from '../../firmware/hal/virtual/firmata-messages.js';
import { openDisplay } from '../../firmware/drivers/lcd/display-from-config.js';
import { openFlash } from '../../firmware/drivers/flash/flash-from-config.js';
import { openKeypad } from '../../firmware/drivers/keypad/keypad-from-config.js';
import { FirmataEmulator } from '../../tools/firmata-emulator/firmata-emulator.js';
import { InProcessFirmataTransport } from '../../tools/firmata-emulator/in-process-transport.js';
import { runFor, runUntil } from '../firmata-emulator/emulator-harness.js';

const config = readBoardConfig('board-configs/uno-firmata.json');
/**
 * At most half the receive buffer (63 usable bytes), the margin TAIL_BYTES keeps: in the busy moment
 * below the high water was 29 at a tail of 40, 52 at 63, and a tail of 100 dropped bytes and lost an EEPROM read.
 */
const HIGH_WATER_BOUND = 32;

async function sharedWire(withFlowControl: boolean) {
  const clock = new VirtualClock();
  const emulated = emulatedBoardFromConfig(config, clock);
  const emulator = new FirmataEmulator({ board: emulated.board });
  const wire = new InProcessFirmataTransport(emulator);
  const flow = withFlowControl ? new FirmataFlowControl(wire as unknown as FirmataByteTransport, { clock }) : undefined;
  const io = new firmataIo.Firmata(flow ?? wire, { reportVersionTimeout: 60_000 }) as unknown as IoPlugin & { isReady: boolean };
  await runUntil(clock, () => io.isReady);
  const keys: string[] = [];
  const keypad = openKeypad(config.keypad, { io, clock, onKey: (event) => keys.push(event.key) });
  const display = openDisplay(config.lcd, 'firmata', io, clock);
  const flash = await openFlash(config.flash, io, clock, false);
  return { clock, emulated, emulator, keys, keypad, display, flash, flow };
}

/** A cashier holds 5 while the journal reads a sector at idle and the screen changes twice. */
async function busyMoment(withFlowControl: boolean) {
  const rig = await sharedWire(withFlowControl);
  const { clock, emulated, display, flash } = rig;
  display.show(['SALE', 'PRESS ENTER TO PAY', '', '']);
  await runUntil(clock, () => emulated.screen!.lines()[1]!.startsWith('PRESS ENTER'));
  emulated.keypad!.press('5');
  const read = flash.read(0, config.flash.kind === 'i2c-eeprom' ? (config.flash.sectorSize ?? 1024) : 1024);
  let readDone = false;
  void read.then(() => (readDone = true));
  await runFor(clock, 30);
  display.show(['SALE', 'AMOUNT:', '0.05', '']);
  await runFor(clock, 60);
  display.show(['SALE', 'AMOUNT:', '', '0.05']);
  await runFor(clock, 60);
  emulated.keypad!.release('5');
  await runUntil(clock, () => readDone, 20_000);
  await display.flush();
  await runFor(clock, 200);
  rig.keypad.stop();
  return rig;
}

const glass = (rig: { emulated: { screen?: { lines(): string[] } } }) => rig.emulated.screen!.lines().map((l) => l.trimEnd());

describe('flow control on a shared Firmata wire (Uno, StandardFirmataPlus 2.5.9)', () => {
  it('without it, the board drops host bytes and the LCD glass keeps stale characters (the failure it exists for)', async () => {
    const rig = await busyMoment(false);
    expect(rig.emulator.counters.droppedInputBytes).toBeGreaterThan(0);
    expect(glass(rig)).not.toEqual(['SALE', 'AMOUNT:', '', '0.05']);
  });

  it('with it, no host byte is dropped, the receive buffer keeps room, the glass shows the last screen and the key arrives once', async () => {
    const rig = await busyMoment(true);
    expect(rig.emulator.counters.droppedInputBytes).toBe(0);
    expect(rig.emulator.counters.receiveBufferHighWater).toBeLessThanOrEqual(HIGH_WATER_BOUND);
    expect(glass(rig)).toEqual(['SALE', 'AMOUNT:', '', '0.05']);
    expect(rig.emulated.screen!.violations).toEqual([]);
    expect(rig.keys).toEqual(['5']);
    expect(rig.flow!.counters.held).toBeGreaterThan(0);
    expect(rig.flow!.awaitedAnswers).toBe(0);
  });
});

/** A transport that records writes and lets the test answer as the board would. */
class FakeWire implements FirmataByteTransport {
  readonly written: number[][] = [];
  private readonly listeners = new Map<string, ((...args: any[]) => void)[]>();
  write(data: Buffer, callback?: (error?: Error | null) => void): boolean {
    this.written.push([...data]);
    callback?.();
    return true;
  }
  on(event: string, listener: (...args: any[]) => void): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  answer(bytes: number[]): void {
    for (const listener of this.listeners.get('data') ?? []) listener(Buffer.from(bytes));
  }
}

const i2cReply = (address: number, data: number[]) => [0xf0, 0x77, address, 0, 0, 0, ...data.flatMap((b) => [b & 0x7f, b >> 7]), 0xf7];
const read32 = encodeCommand.i2cRead(0x50, undefined, 32, false);
/** A 28-byte LCD write: 61 bytes on the wire. */
const lcdWrite = encodeCommand.i2cWrite(0x27, Array(28).fill(0x0c));

describe('FirmataFlowControl', () => {
  function rig() {
    const clock = new VirtualClock();
    const wire = new FakeWire();
    const flow = new FirmataFlowControl(wire, { clock });
    const send = (bytes: number[]) => flow.write(Buffer.from(bytes));
    return { clock, wire, flow, send };
  }

  it('with no answer awaited, sends every write at once, however long', () => {
    const { send, wire, flow } = rig();
    for (let i = 0; i < 5; i++) send(lcdWrite);
    expect(wire.written).toHaveLength(5);
    expect(flow.counters.held).toBe(0);
  });

  it(`behind an unanswered read, lets at most ${TAIL_BYTES} bytes follow; the rest waits in order and goes when the answer has arrived`, () => {
    const { send, wire, flow } = rig();
    send(read32);
    send(encodeCommand.i2cWrite(0x50, [0, 0])); // 9 bytes
    send(read32); // 7
    send(lcdWrite); // 61: waits
    send(encodeCommand.digitalPort(0, 1)); // 3: would fit, but keeps its place behind the LCD write
    expect(wire.written).toEqual([read32, encodeCommand.i2cWrite(0x50, [0, 0]), read32]);
    expect(flow.bytesBehindOldest).toBe(16);
    const answer = i2cReply(0x50, Array(32).fill(0xff));
    wire.answer(answer.slice(0, 20));
    expect(wire.written).toHaveLength(3);
    wire.answer(answer.slice(20));
    // The second read is still unanswered and nothing follows it yet: 61 > 40 still waits for it.
    expect(wire.written).toHaveLength(3);
    wire.answer(answer);
    expect(wire.written.slice(3)).toEqual([lcdWrite, encodeCommand.digitalPort(0, 1)]);
    expect(flow.awaitedAnswers).toBe(0);
  });

  it('pairs each answer with a request of its kind: a pin state, a port switched to reporting, an I2C read', () => {
    const { send, wire, flow } = rig();
    send(encodeCommand.pinStateQuery(2));
    send(encodeCommand.reportDigital(1, true));
    send(read32);
    expect(flow.awaitedAnswers).toBe(3);
    wire.answer([0x90, 0x7f, 0x01]); // port 0: nobody asked
    expect(flow.awaitedAnswers).toBe(3);
    wire.answer([0x91, 0x0f, 0x00]);
    wire.answer([0xf0, 0x6e, 2, 1, 1, 0xf7]);
    expect(flow.awaitedAnswers).toBe(1);
    wire.answer(i2cReply(0x50, Array(32).fill(0)));
    expect(flow.awaitedAnswers).toBe(0);
  });

  it('forgives an answer that never comes after 1 s, so the wire cannot stall for good', () => {
    const { clock, send, wire, flow } = rig();
    send(read32);
    send(lcdWrite);
    expect(wire.written).toHaveLength(1);
    clock.advance(999);
    expect(wire.written).toHaveLength(1);
    clock.advance(1);
    expect(wire.written).toEqual([read32, lcdWrite]);
    expect(flow.counters.forgiven).toBe(1);
  });

  it('forgives it at its deadline also when the request left at a fraction of a millisecond (no timer re-armed at the same instant for ever)', () => {
    const { clock, send, wire, flow } = rig();
    // 300.004 + 1000 - 300.004 is 999.99999999999989 in doubles: a forgiveness test of "waited
    // >= 1000 ms" was false at the deadline the timer was armed for, so the timer re-armed at 0 ms
    // for ever (the virtual clock never returned; the real one spun until its clock moved on).
    clock.advance(300.004);
    send(read32);
    send(lcdWrite);
    let armed = 0;
    const setTimer = clock.setTimer.bind(clock);
    clock.setTimer = (ms, callback) => {
      if (++armed > 100) throw new Error('timer re-armed 100 times');
      return setTimer(ms, callback);
    };
    clock.advance(1000);
    expect(wire.written).toEqual([read32, lcdWrite]);
    expect(flow.counters.forgiven).toBe(1);
  });

  it("does not take the board's unasked messages (version at boot, a digital change, a string) for answers", () => {
    const { send, wire, flow } = rig();
    send(read32);
    wire.answer([0xf9, 2, 5]);
    wire.answer([0x90, 0x00, 0x00]);
    wire.answer([0xf0, 0x71, 0x49, 0x00, 0xf7]);
    expect(flow.awaitedAnswers).toBe(1);
  });

  it('switching reporting off and I2C writes ask for nothing', () => {
    const { send, flow } = rig();
    send(encodeCommand.reportDigital(0, false));
    send(lcdWrite);
    send(encodeCommand.pinMode(2, 1));
    expect(flow.awaitedAnswers).toBe(0);
  });
});
