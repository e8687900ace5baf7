/**
 * serialport's SerialPort class, imported on demand (its native addon loads only when a config
 * uses a serial port). The bundle's code splitting hands a CommonJS package back as `default`
 * alone, and Node's own loader as named exports: this takes either.
 */
import type { SerialPort as SerialPortClass } from 'serialport';

/**
 * serialport's read pool per port (its highWaterMark): 64 KB by default, 192 KB resident for the
 * Firmata board, printer and reader ports of a terminal that reads a few bytes at a time at 9600 or
 * 57600 baud (at most 5.8 KB a second). 4 KB still holds most of a second of the fastest of them.
 */
export const SERIAL_READ_POOL_BYTES = 4096;

export async function loadSerialPort(): Promise<typeof SerialPortClass> {
  const module = (await import('serialport')) as { SerialPort?: typeof SerialPortClass; default?: { SerialPort?: typeof SerialPortClass } };
  const SerialPort = module.SerialPort ?? module.default?.SerialPort;
  if (!SerialPort) throw new Error('serialport loaded without a SerialPort export: is node_modules/serialport 12.x?');
  return SerialPort;
}
