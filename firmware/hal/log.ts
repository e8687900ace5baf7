/**
 * Structured logs: one JSON line per event. Callers pass masked PANs only; the sink also refuses
 * fields that must never be logged (PIN, PIN block, track data, clear PAN) as a last line of defence.
 */
import type { Logger, LogLevel } from '../ports/log.js';

export type { Logger, LogLevel };

const FORBIDDEN_FIELDS = new Set(['pin', 'pinBlock', 'track1', 'track2', 'track3', 'pan', 'cvv', 'cvn']);

function scrubLogFields(fields: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!fields) return out;
  for (const [k, v] of Object.entries(fields)) {
    out[k] = FORBIDDEN_FIELDS.has(k) ? '[withheld]' : v;
  }
  return out;
}

/** Writes JSON lines through `write`; used by the runtime on the board and by tools. */
export class JsonLineLogger implements Logger {
  constructor(
    private readonly write: (line: string) => void,
    private readonly minLevel: LogLevel = 'info',
    private readonly now: () => Date = () => new Date(),
  ) {}
  log(level: LogLevel, event: string, fields?: Record<string, unknown>): void {
    if (LEVEL_ORDER[level] < LEVEL_ORDER[this.minLevel]) return;
    this.write(JSON.stringify({ t: this.now().toISOString(), level, event, ...scrubLogFields(fields) }));
  }
}

/** Keeps lines in memory; tests read them back. */
export class MemoryLogger implements Logger {
  readonly lines: { level: LogLevel; event: string; fields: Record<string, unknown> }[] = [];
  log(level: LogLevel, event: string, fields?: Record<string, unknown>): void {
    this.lines.push({ level, event, fields: scrubLogFields(fields) });
  }
}

export const silentLogger: Logger = { log: () => undefined };

const LEVEL_ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };
