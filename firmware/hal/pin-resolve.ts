/**
 * Board configs name pins as numbers (Firmata, virtual) or names (GPIO17 on raspi-io); drivers take
 * numbers. The board's own normalize() knows its names, so names are resolved through it.
 */
import type { PinId } from './board-config.js';
import type { IoPlugin } from './io-plugin.js';

export function resolvePin(io: IoPlugin, pin: PinId, field: string): number {
  if (typeof pin === 'number') return pin;
  if (!io.normalize) throw new Error(`${field}: pin name ${JSON.stringify(pin)} needs a board that knows pin names (raspi-io, linux-io)`);
  const number = io.normalize(pin);
  if (!Number.isInteger(number) || number < 0) throw new Error(`${field}: the board does not know pin ${JSON.stringify(pin)}`);
  return number;
}

/** Resolves every pin of a config's pin group (e.g. lcd.pins); absent optional pins stay absent. */
export function resolvePins<T extends Record<string, PinId | undefined>>(
  io: IoPlugin,
  pins: T,
  field: string,
): { [K in keyof T]: T[K] extends PinId ? number : number | undefined } {
  const out: Record<string, number> = {};
  for (const [name, pin] of Object.entries(pins)) if (pin !== undefined) out[name] = resolvePin(io, pin, `${field}.${name}`);
  return out as { [K in keyof T]: T[K] extends PinId ? number : number | undefined };
}
