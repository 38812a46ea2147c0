/**
 * @module Ingest events as one JSON line each (`{"time":"…Z","event":"unit-ingested",…}`), for log collectors;
 * the destination is injectable (stderr for the CLI, an array in tests).
 */
export interface Logger {
  event(name: string, fields?: Record<string, unknown>): void;
}

export function jsonLineLogger(write: (line: string) => void, now: () => Date = () => new Date()): Logger {
  return {
    event(name, fields = {}) {
      write(`${JSON.stringify({ time: now().toISOString(), event: name, ...fields })}\n`);
    },
  };
}

export const silentLogger: Logger = { event() {} };
