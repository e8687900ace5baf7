/**
 * Structured logging as a port: one event name and its fields. The app and the drivers depend on this
 * contract; firmware/hal/log.ts holds the sinks (JSON lines, memory) and their last-line scrubbing.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  log(level: LogLevel, event: string, fields?: Record<string, unknown>): void;
}
