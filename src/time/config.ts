/**
 * @module The `time` section of the mission configuration (schemas/config-time.schema.json) → {@link TimeSettings}:
 * the axis per APID, coefficient sets (written, or fitted from a time-couple file), launch date, plausible span
 * and duplicate window.
 */
import { readFileSync } from 'node:fs';
import type { MissionConfig } from '../config/index.js';
import type { PointerProblem } from '../config/schema-problems.js';
import { InputError } from '../errors.js';
import { checkedSection, configRelative } from '../config/section.js';
import { fitCorrelation, parseTimeCouples } from './correlation-fit.js';
import {
  DEFAULT_DUPLICATE_WINDOW_SECONDS, DEFAULT_PLAUSIBLE_SPAN_DAYS, DEFAULT_TIME_SETTINGS, EARLIEST_DEFAULT_TAI,
  type CorrelationSet, type TimeAxis, type TimeRules, type TimeSettings,
} from './packet-times.js';
import { utcToTai } from './utc.js';

interface RulesSection { axis?: TimeAxis; correlation?: CorrelationSet[]; correlationFile?: string }
interface TimeSection extends RulesSection {
  launch?: string;
  plausibleSpanDays?: number;
  duplicateWindowSeconds?: number;
  apids?: (RulesSection & { apids: number | [number, number] })[];
}

/** Sets must be ascending, each valid range non-empty and not overlapping the next. */
function setProblems(sets: readonly CorrelationSet[] | undefined, at: string): PointerProblem[] {
  const out: PointerProblem[] = [];
  (sets ?? []).forEach((s, i) => {
    if (s.validToObt !== undefined && s.validToObt <= s.validFromObt) out.push({ code: 'range', pointer: `${at}/correlation/${i}/validToObt`, message: `validToObt ${s.validToObt} must be after validFromObt ${s.validFromObt}` });
    const next = sets![i + 1];
    if (next && next.validFromObt < (s.validToObt ?? s.validFromObt + Number.MIN_VALUE)) {
      out.push({ code: 'order', pointer: `${at}/correlation/${i + 1}/validFromObt`, message: `coefficient sets must be ascending and not overlap: ${next.validFromObt} starts before the previous set ends` });
    }
  });
  return out;
}

function extraProblems(t: TimeSection): PointerProblem[] {
  const out = setProblems(t.correlation, '');
  if (t.launch !== undefined && Number.isNaN(Date.parse(t.launch))) out.push({ code: 'format', pointer: '/launch', message: `${t.launch} is not a date` });
  (t.apids ?? []).forEach((a, i) => {
    if (Array.isArray(a.apids) && a.apids[1] < a.apids[0]) out.push({ code: 'range', pointer: `/apids/${i}/apids`, message: `range [${a.apids[0]}, ${a.apids[1]}] runs backwards` });
    out.push(...setProblems(a.correlation, `/apids/${i}`));
  });
  return out;
}

/** The rules of a section; an APID entry inherits the mission's axis and coefficient sets where it has none. */
function rules(config: MissionConfig, s: RulesSection, inherit: TimeRules | undefined, cwd: string): TimeRules {
  let sets: CorrelationSet[] | undefined = s.correlation ? [...s.correlation] : undefined;
  if (s.correlationFile !== undefined) {
    const file = configRelative(config, s.correlationFile, cwd);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new InputError(`${config.file ?? 'config'}: time.correlationFile ${s.correlationFile}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    const fit = fitCorrelation(parseTimeCouples(text, file), file);
    sets = [...(sets ?? []), fit.set].sort((a, b) => a.validFromObt - b.validFromObt);
  }
  return { axis: s.axis ?? inherit?.axis ?? 'correlated', correlation: sets ?? inherit?.correlation };
}

/**
 * The mission's time settings (defaults without a `time` section).
 * @throws InputError when the section fails its schema or a correlation file cannot be read or fitted.
 */
export function timeSettings(config: MissionConfig, cwd = process.cwd()): TimeSettings {
  const t = checkedSection<TimeSection>(config, 'time', extraProblems);
  if (!t) return DEFAULT_TIME_SETTINGS;
  const defaults = rules(config, t, undefined, cwd);
  return {
    defaults,
    apids: (t.apids ?? []).map((a) => {
      const [from, to] = Array.isArray(a.apids) ? a.apids : [a.apids, a.apids];
      return { from, to, rules: rules(config, a, defaults, cwd) };
    }),
    earliestTai: t.launch !== undefined ? utcToTai(t.launch) : EARLIEST_DEFAULT_TAI,
    plausibleSpanSeconds: (t.plausibleSpanDays ?? DEFAULT_PLAUSIBLE_SPAN_DAYS) * 86_400,
    duplicateWindowSeconds: t.duplicateWindowSeconds ?? DEFAULT_DUPLICATE_WINDOW_SECONDS,
  };
}
