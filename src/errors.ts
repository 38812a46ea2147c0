/**
 * @module The small family of error classes idoc throws. Data problems found in telemetry are not errors
 * (they are findings, returned as values); these are for misuse and for input that cannot be used at all.
 * `bin/` maps each class to an exit code: {@link UsageError} and {@link InputError} → 2.
 */

/** A command line that does not make sense (unknown option value, missing argument). Exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * Input that cannot be read or used: an unreadable file, a config that fails its schema, bad JSON.
 * The message names the file and the offset, line or JSON pointer. Exit 2.
 */
export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(message: string, readonly problems: readonly Problem[] = [], options?: ErrorOptions) {
    super(message, options);
  }
}

/** A problem as data (shared by config validation and rule findings): stable code, where, and what. */
export interface Problem {
  /** Stable machine-readable code, e.g. `required`, `enum`, `json-syntax`. */
  readonly code: string;
  /** Where: a JSON pointer, `file:line`, or `file: offset 0x…`. */
  readonly path: string;
  /** A sentence a person understands. */
  readonly message: string;
}

/** Format a byte offset the way every idoc message does: `offset 0x1f40 (8000)`. */
export const formatOffset = (offset: number): string => `offset 0x${offset.toString(16)} (${offset})`;
