/**
 * @module ISO 8601 durations as the feed config writes them (`PT1H`, `P1D`, `PT30M`, `PT0.5S`): days, hours,
 * minutes and seconds only (years and months have no fixed length, ISO 8601-1:2019 §5.5.2).
 */

const DURATION = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** `PT1H` → 3 600 000 ms; undefined when the text is not a day/time duration (or is just `P` / `PT`). */
export function durationMs(text: string): number | undefined {
  const m = DURATION.exec(text);
  if (!m || text === 'P' || text.endsWith('T')) return undefined;
  const [, d, h, min, s] = m;
  return ((Number(d ?? 0) * 24 + Number(h ?? 0)) * 60 + Number(min ?? 0)) * 60_000 + Math.round(Number(s ?? 0) * 1000);
}
