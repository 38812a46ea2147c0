/**
 * @module ISO-8601 durations (ISO 8601-1:2019 §5.5.2.4, `PnDTnHnMnS`) of fixed length: days, hours, minutes and
 * seconds, read with luxon (loaded on first use: commands that read no duration do not pay its start-up). Calendar
 * units (years, months, weeks) are refused: a product window or a grid step is a fixed number of seconds.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let luxon: typeof import('luxon') | undefined;

const FIXED_UNITS = new Set(['days', 'hours', 'minutes', 'seconds', 'milliseconds']);

/**
 * `PT1H`, `P1D`, `PT0.5S`, `P1DT2H3M4S` → milliseconds; undefined when `text` is not such a duration (an empty
 * `P`/`PT`, a calendar unit, a negative part, lower case; with `integers`, a fraction).
 */
export function isoDurationMs(text: string, options: { readonly integers?: boolean } = {}): number | undefined {
  if (!/^P/.test(text) || /^PT?$/.test(text) || /T$/.test(text) || (options.integers && /[.,]/.test(text))) return undefined;
  luxon ??= require('luxon') as typeof import('luxon');
  const d = luxon.Duration.fromISO(text);
  if (!d.isValid) return undefined;
  const parts = Object.entries(d.toObject()) as [string, number][];
  if (parts.some(([unit, v]) => !FIXED_UNITS.has(unit) || !(v >= 0))) return undefined;
  return d.as('milliseconds');
}
