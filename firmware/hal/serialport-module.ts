/**
 * serialport's SerialPort class, imported on demand (its native addon loads only when a config
 * uses a serial port). The bundle's code splitting hands a CommonJS package back as `default`
 * alone, and Node's own loader as named exports: this takes either.
 */
import type { SerialPort as SerialPortClass } from 'serialport';

export async function loadSerialPort(): Promise<typeof SerialPortClass> {
  const module = (await import('serialport')) as { SerialPort?: typeof SerialPortClass; default?: { SerialPort?: typeof SerialPortClass } };
  const SerialPort = module.SerialPort ?? module.default?.SerialPort;
  if (!SerialPort) throw new Error('serialport loaded without a SerialPort export: is node_modules/serialport 12.x?');
  return SerialPort;
}
