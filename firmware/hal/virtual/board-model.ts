/**
 * The electrical model of an Arduino-class board: what each pin's driver does (AVR DDR/PORT bits:
 * output high/low, input, input with pull-up), what the outside world does to it (a peripheral
 * driving it, a switch connecting it to another pin), and the level that results. It also holds
 * the I2C bus and the serial lines. The firmware (Firmata emulator or VirtualIo) and the
 * peripheral models both work on this one model.
 */
import type { Clock } from '../clock.js';
import type { BoardProfile } from './board-profiles.js';
import { I2cBus } from './i2c-bus.js';
import { UartLine } from './uart-line.js';

export type Level = 0 | 1;

export type PinChangeListener = (pin: number, level: Level, atUs: number) => void;

interface PinDriver {
  /** DDR bit: true = output. */
  output: boolean;
  /** PORT bit: the output level, or the pull-up enable for an input. */
  portBit: Level;
  /** A peripheral driving the pin from outside (undefined = not driving). */
  external: Level | undefined;
}

export class BoardModel {
  readonly i2c = new I2cBus();
  private readonly drivers: PinDriver[];
  private readonly levels: Level[];
  /** Switch contacts between pins (keypad keys), as unordered pairs "a-b". */
  private readonly contacts = new Set<string>();
  private readonly listeners = new Set<PinChangeListener>();
  private readonly lines = new Map<number, UartLine>();
  /** Times a net started a fight between drivers (output high against output low). */
  contentions = 0;
  /** Lowest pin of each net that is in contention now. */
  private contended = new Set<number>();

  constructor(
    readonly profile: BoardProfile,
    readonly clock: Clock,
  ) {
    this.drivers = Array.from({ length: profile.totalPins }, () => ({ output: false, portBit: 0 as Level, external: undefined }));
    this.levels = Array.from({ length: profile.totalPins }, () => 0 as Level);
    for (const port of profile.hardwareSerial) this.lines.set(port.portId, new UartLine(clock, profile.uartRxBufferSize, false));
    for (const id of profile.softwareSerialIds) this.lines.set(id, new UartLine(clock, 64, true));
  }

  nowUs(): number {
    return this.clock.now() * 1000;
  }

  // ---- the MCU side (firmware) ----

  /** pinMode(OUTPUT): the PORT bit is kept, so the pin drives what was last written. */
  setOutput(pin: number, atUs = this.nowUs()): void {
    this.driver(pin).output = true;
    this.resolve(atUs);
  }

  /** pinMode(INPUT) / pinMode(INPUT_PULLUP). */
  setInput(pin: number, pullUp: boolean, atUs = this.nowUs()): void {
    const d = this.driver(pin);
    d.output = false;
    d.portBit = pullUp ? 1 : 0;
    this.resolve(atUs);
  }

  /** digitalWrite: sets the PORT bit (on an input this switches the pull-up, as on AVR). */
  writePortBit(pin: number, level: Level, atUs = this.nowUs()): void {
    this.driver(pin).portBit = level;
    this.resolve(atUs);
  }

  isOutput(pin: number): boolean {
    return this.driver(pin).output;
  }

  /** The level on the pin's wire now. */
  level(pin: number): Level {
    this.driver(pin);
    return this.levels[pin]!;
  }

  // ---- the outside world (peripherals, tests) ----

  /** A peripheral drives the pin (or stops driving it with undefined). */
  driveExternally(pin: number, level: Level | undefined, atUs = this.nowUs()): void {
    this.driver(pin).external = level;
    this.resolve(atUs);
  }

  /** Closes (or opens) a switch between two pins, e.g. a keypad key between a row and a column. */
  setContact(a: number, b: number, closed: boolean, atUs = this.nowUs()): void {
    this.driver(a);
    this.driver(b);
    if (a === b) throw new Error(`a contact needs two different pins, got ${a} twice`);
    const key = a < b ? `${a}-${b}` : `${b}-${a}`;
    if (closed) this.contacts.add(key);
    else this.contacts.delete(key);
    this.resolve(atUs);
  }

  onPinChange(listener: PinChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Serial line by Firmata port id (hardware 1-3 on a Mega, software 8-11). */
  serialLine(portId: number): UartLine | undefined {
    return this.lines.get(portId);
  }

  private driver(pin: number): PinDriver {
    const d = this.drivers[pin];
    if (!Number.isInteger(pin) || !d) {
      throw new Error(`pin ${pin} does not exist on ${this.profile.name} (0-${this.profile.totalPins - 1})`);
    }
    return d;
  }

  /** Recomputes every net's level and tells listeners about the pins that changed. */
  private resolve(atUs: number): void {
    const nets = this.nets();
    const changed: number[] = [];
    const contended = new Set<number>();
    for (const net of nets) {
      const { level, fight } = this.netLevel(net);
      if (fight) {
        contended.add(net[0]!);
        if (!this.contended.has(net[0]!)) this.contentions++;
      }
      for (const pin of net) {
        if (this.levels[pin] !== level) {
          this.levels[pin] = level;
          changed.push(pin);
        }
      }
    }
    this.contended = contended;
    for (const pin of changed) for (const listener of this.listeners) listener(pin, this.levels[pin]!, atUs);
  }

  private nets(): number[][] {
    const parent = this.drivers.map((_, i) => i);
    const find = (x: number): number => {
      while (parent[x] !== x) x = parent[x] = parent[parent[x]!]!;
      return x;
    };
    for (const key of this.contacts) {
      const [a, b] = key.split('-').map(Number) as [number, number];
      parent[find(a)] = find(b);
    }
    const groups = new Map<number, number[]>();
    for (let pin = 0; pin < parent.length; pin++) {
      const root = find(pin);
      const group = groups.get(root);
      if (group) group.push(pin);
      else groups.set(root, [pin]);
    }
    return [...groups.values()];
  }

  /** Push-pull drivers win over pull-ups; a floating net reads low; a fight reads low and counts. */
  private netLevel(net: number[]): { level: Level; fight: boolean } {
    let high = false;
    let low = false;
    let pulledUp = false;
    for (const pin of net) {
      const d = this.drivers[pin]!;
      if (d.output) {
        if (d.portBit) high = true;
        else low = true;
      } else if (d.portBit) {
        pulledUp = true;
      }
      if (d.external === 1) high = true;
      if (d.external === 0) low = true;
    }
    if (high && low) return { level: 0, fight: true };
    if (high || low) return { level: high ? 1 : 0, fight: false };
    return { level: pulledUp ? 1 : 0, fight: false };
  }
}
