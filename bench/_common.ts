/**
 * @module What every bench shares: the CLI entry and the sample config as built, numeric options, the median.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
/** dist/bench → dist/bin/idoc.js. */
export const BIN = path.resolve(here, '../bin/idoc.js');
/** The sample mission config, read from the repository's fixtures. */
export const SAMPLE_CONFIG = path.resolve(here, '../../fixtures/sample-mission/idoc.json');

/** A numeric `--name N` option of the bench command line, or its default. */
export const arg = (name: string, def: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};

/** The median (upper median for an even count). */
export const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

/**
 * Peak RSS of this process, MB: Linux's VmHWM (the peak of this address space, all threads). Not `resourceUsage().maxRSS`:
 * getrusage's maximum survives execve, so a child forked from a large bench process reported the parent's size.
 */
export function peakRssMB(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) / 1024;
  } catch { /* not Linux */ }
  return process.resourceUsage().maxRSS / 1024;
}
