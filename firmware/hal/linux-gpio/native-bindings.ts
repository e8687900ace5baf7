/**
 * The bindings on a real board, from native packages that are not in the bundle (Node has no ioctl,
 * and both the GPIO character device and i2c-dev need one): i2c-bus (i2c-dev) and node-libgpiod
 * (the GPIO character device through libgpiod). Each is imported only when a config needs it, and a
 * failure to load reports the loader's own error - a missing package and a package whose native
 * addon failed to load are different problems with different fixes.
 */
import type { GpioChipBinding, GpioLineRequest, I2cBusBinding, Level, LinuxBoardBindings } from './bindings.js';

/** Imports an optional package, turning a failure into one line that names the package and the real cause. */
export async function importOptional(packageName: string, why: string, load: (specifier: string) => Promise<unknown> = (s) => import(s)): Promise<Record<string, unknown>> {
  try {
    return (await load(packageName)) as Record<string, unknown>;
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    const notInstalled = (e.code === 'ERR_MODULE_NOT_FOUND' || e.code === 'MODULE_NOT_FOUND') && e.message.includes(`'${packageName}'`);
    if (notInstalled) throw new Error(`${why} needs the ${packageName} package, which is not installed: install it next to the bundle on the board (README, "GPIO on the board")`);
    throw new Error(`${why} needs ${packageName}, which is installed but failed to load: ${e.message.split('\n')[0]}`);
  }
}

interface I2cBusModule {
  openSync(bus: number): {
    i2cWrite(address: number, length: number, buffer: Buffer, cb: (error: Error | null) => void): void;
    i2cRead(address: number, length: number, buffer: Buffer, cb: (error: Error | null, bytesRead: number) => void): void;
    closeSync(): void;
  };
}

interface LibgpiodLine {
  requestOutputMode(value?: number, consumer?: string): void;
  requestInputMode(consumer?: string): void;
  getValue(): number;
  setValue(value: number): void;
  release(): void;
}

interface LibgpiodModule {
  Chip: new (chip: number) => { close?(): void };
  Line: new (chip: unknown, offset: number) => LibgpiodLine;
}

/**
 * node-libgpiod's Line API has no callback for edge events, so an input is watched by reading it
 * every `inputPollMs` on the event loop. Good for the keypad (scanned at 5 ms anyway); NOT fast
 * enough for a clock/data magstripe head (strobes 60-3000 us apart) - see README.
 */
export async function loadNativeBindings(options: { inputPollMs?: number } = {}): Promise<LinuxBoardBindings> {
  const pollMs = options.inputPollMs ?? 1;
  return {
    openGpioChip(path) {
      return libgpiodChip(path, pollMs);
    },
    openI2cBus(path) {
      return i2cBusFor(path);
    },
  };
}

let libgpiod: LibgpiodModule | undefined;
let i2cBus: I2cBusModule | undefined;

/** Loads the native packages the config needs before the plugin starts (errors surface at boot). */
export async function preloadNativePackages(needs: { gpio: boolean; i2c: boolean }): Promise<void> {
  if (needs.gpio) libgpiod = (await importOptional('node-libgpiod', 'board.kind "linux-gpio"')) as unknown as LibgpiodModule;
  if (needs.i2c) {
    const module = await importOptional('i2c-bus', 'board.i2cBus');
    i2cBus = ((module as { default?: unknown }).default ?? module) as I2cBusModule;
  }
}

function libgpiodChip(path: string, pollMs: number): GpioChipBinding {
  if (!libgpiod) throw new Error('node-libgpiod is not loaded');
  const number = Number(/gpiochip(\d+)$/.exec(path)?.[1]);
  const chip = new libgpiod.Chip(number);
  const lib = libgpiod;
  const polls = new Set<ReturnType<typeof setInterval>>();
  return {
    requestOutput(offset, initial, consumer) {
      const line = new lib.Line(chip, offset);
      line.requestOutputMode(initial, consumer);
      return lineRequest(line);
    },
    requestInput(offset, _bias, consumer, onEdge) {
      // Bias is set by the device tree / config.txt on a Pi (gpio=...=pu); libgpiod 1.x cannot set it.
      const line = new lib.Line(chip, offset);
      line.requestInputMode(consumer);
      let last = line.getValue() as Level;
      const timer = setInterval(() => {
        const now = line.getValue() as Level;
        if (now !== last) onEdge((last = now));
      }, pollMs);
      polls.add(timer);
      const request = lineRequest(line);
      return { ...request, release: () => (clearInterval(timer), polls.delete(timer), request.release()) };
    },
    close() {
      polls.forEach(clearInterval);
      chip.close?.();
    },
  };
}

function lineRequest(line: LibgpiodLine): GpioLineRequest {
  return {
    value: () => (line.getValue() ? 1 : 0),
    setValue: (value) => line.setValue(value),
    release: () => line.release(),
  };
}

function i2cBusFor(path: string): I2cBusBinding {
  if (!i2cBus) throw new Error('i2c-bus is not loaded');
  const bus = i2cBus.openSync(Number(/i2c-(\d+)$/.exec(path)?.[1]));
  return {
    write: (address, bytes, done) => bus.i2cWrite(address, bytes.length, Buffer.from(bytes), done),
    read: (address, length, done) => {
      const buffer = Buffer.alloc(length);
      bus.i2cRead(address, length, buffer, (error, n) => done(error, error ? undefined : new Uint8Array(buffer.subarray(0, n))));
    },
    close: () => bus.closeSync(),
  };
}
