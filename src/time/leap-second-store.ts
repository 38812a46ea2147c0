/**
 * @module The active leap-second table and where a loaded one is kept between runs.
 *
 * `idoc time leap-seconds --load FILE` validates an IERS `Leap_Second.dat` and stores it as
 * `$IDOC_HOME/leap-seconds.dat` (`IDOC_HOME` defaults to `~/.config/idoc`), written to a temporary name
 * and renamed. {@link activeLeapSeconds} reads that file lazily on first use; when it is absent — or when
 * the bundled table expires later than the stored one (a newer idoc) — the bundled table is used.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import {
  BUNDLED_LEAP_SECONDS,
  expiresUnixMs,
  parseLeapSecondFile,
  type LeapSecondTable,
} from './leap-second-table.js';

/** idoc's per-user directory: `$IDOC_HOME`, default `~/.config/idoc`. */
export const idocHome = (): string => process.env['IDOC_HOME'] || path.join(homedir(), '.config', 'idoc');

/** Where a loaded leap-second table is stored: `$IDOC_HOME/leap-seconds.dat`. */
export const storedLeapSecondPath = (): string => path.join(idocHome(), 'leap-seconds.dat');

let active: LeapSecondTable | null = null;

/** Read the stored table, or null when there is none. @throws InputError when the stored file is malformed. */
export function readStoredLeapSeconds(): LeapSecondTable | null {
  const file = storedLeapSecondPath();
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  return parseLeapSecondFile(text, file);
}

/**
 * The table every conversion uses by default: the one set with {@link setLeapSecondTable}, else the stored
 * one (read once, lazily), else {@link BUNDLED_LEAP_SECONDS}. Of stored and bundled, the one that expires
 * later wins (ties go to the stored file).
 * @throws InputError when the stored file exists but is malformed (fix it by loading a good file again).
 */
export function activeLeapSeconds(): LeapSecondTable {
  if (active === null) {
    const stored = readStoredLeapSeconds();
    active = stored !== null && expiresUnixMs(stored) >= expiresUnixMs(BUNDLED_LEAP_SECONDS) ? stored : BUNDLED_LEAP_SECONDS;
  }
  return active;
}

/** Make `table` the active one for this process; `null` forgets it (the next use reloads lazily). */
export function setLeapSecondTable(table: LeapSecondTable | null): void {
  active = table;
}

/** True when `now` is on or after the expiry date of `table` (default: the active table). */
export function leapTableExpired(now: Date, table: LeapSecondTable = activeLeapSeconds()): boolean {
  return now.getTime() >= expiresUnixMs(table);
}

/**
 * Validate `text` as an IERS `Leap_Second.dat` and store it for later runs (temporary file + rename). The
 * next {@link activeLeapSeconds} call picks it up (unless the bundled table expires later). Returns the parsed
 * table (its `source` is the stored path).
 * @throws InputError naming `fileName` and line when the text is malformed; nothing is written then.
 */
export function storeLeapSecondFile(text: string, fileName: string): LeapSecondTable {
  const parsed = parseLeapSecondFile(text, fileName);
  const file = storedLeapSecondPath();
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  // Store the file as given (it parses), with a provenance comment that the parser ignores.
  writeFileSync(tmp, `# idoc: loaded from ${fileName} on ${new Date().toISOString()}\n${text.endsWith('\n') ? text : `${text}\n`}`);
  renameSync(tmp, file);
  // Forget the active table: the next use applies the same choice as a new process would.
  active = null;
  return { ...parsed, source: file };
}
