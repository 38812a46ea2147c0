/**
 * @module Ingest events as one JSON line each (`{"time":"…Z","level":"info","event":"unit-ingested",…}`), for log collectors;
 * the destination is injectable (stderr for the CLI, an array in tests).
 */
export interface Logger {
  event(name: string, fields?: Record<string, unknown>): void;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** The level of an event: failures are errors, set-aside units and dropped data warnings, the rest info. */
export function levelOf(event: string): LogLevel {
  if (event.endsWith('-failed') || event.endsWith('-error')) return 'error';
  if (event.endsWith('-rejected') || event.endsWith('-dropped') || event.endsWith('-lost') || event === 'stop-requested') return event === 'stop-requested' ? 'info' : 'warn';
  return 'info';
}

export function jsonLineLogger(write: (line: string) => void, now: () => Date = () => new Date()): Logger {
  return {
    event(name, fields = {}) {
      write(`${JSON.stringify({ time: now().toISOString(), level: levelOf(name), event: name, ...fields })}\n`);
    },
  };
}

export const silentLogger: Logger = { event() {} };
