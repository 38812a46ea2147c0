/**
 * @module Raw → engineering: XTCE 1.2 polynomial and spline calibrators (CCSDS 660.1-G-2 §4.3.2.2.x,
 * XSD12 PolynomialCalibratorType, SplineCalibratorType), valid ranges, and limit state from static alarm
 * ranges (XSD12 AlarmRangesType: the most severe range violated wins).
 */
import { ALARM_LEVELS, type Alarm, type AlarmLevel, type Calibrator, type FloatRange } from '../../src/mdb/types.js';

/** A calibrator as a function; NaN when the value is outside a non-extrapolating spline. */
export function calibratorFunction(c: Calibrator): (x: number) => number {
  if (c.kind === 'polynomial') {
    // Horner when exponents are 0..n integers (the usual case), else the sum of terms as written.
    const maxExp = Math.max(...c.terms.map((t) => t.exponent));
    if (c.terms.every((t) => Number.isInteger(t.exponent) && t.exponent >= 0) && maxExp <= 16) {
      const coef = new Float64Array(maxExp + 1);
      for (const t of c.terms) coef[t.exponent]! += t.coefficient;
      if (maxExp === 1) {
        const [a0, a1] = [coef[0]!, coef[1]!];
        return (x) => a0 + a1 * x;
      }
      return (x) => {
        let y = 0;
        for (let e = maxExp; e >= 0; e--) y = y * x + coef[e]!;
        return y;
      };
    }
    const terms = c.terms.map((t) => [t.coefficient, t.exponent] as const);
    return (x) => terms.reduce((s, [k, e]) => s + k * x ** e, 0);
  }
  if (c.kind === 'logarithmic') {
    // SCOS-2000 MIB LGF (formats-wave2.md §2): y = 1 / Σ A_i·(ln x)^i; ln is undefined for x ≤ 0 → invalid.
    const a = c.coefficients;
    return (x) => {
      if (!(x > 0)) return NaN;
      const l = Math.log(x);
      let d = 0;
      for (let i = a.length - 1; i >= 0; i--) d = d * l + a[i]!;
      return 1 / d;
    };
  }
  const raw = c.points.map((p) => p.raw);
  const cal = c.points.map((p) => p.calibrated);
  const n = raw.length;
  return (x) => {
    if (x < raw[0]! || x > raw[n - 1]!) {
      if (!c.extrapolate) return NaN;
    }
    // Segment i: raw[i] <= x < raw[i+1] (clamped to the end segments when extrapolating).
    let i = 0;
    while (i < n - 2 && x >= raw[i + 1]!) i++;
    if (c.order === 0) return x >= raw[n - 1]! ? cal[n - 1]! : cal[i]!;
    return cal[i]! + ((cal[i + 1]! - cal[i]!) * (x - raw[i]!)) / (raw[i + 1]! - raw[i]!);
  };
}

export function inRange(v: number, r: FloatRange): boolean {
  if (r.minInclusive !== undefined && !(v >= r.minInclusive)) return false;
  if (r.minExclusive !== undefined && !(v > r.minExclusive)) return false;
  if (r.maxInclusive !== undefined && !(v <= r.maxInclusive)) return false;
  if (r.maxExclusive !== undefined && !(v < r.maxExclusive)) return false;
  return true;
}

/** The limit state of a numeric engineering value: `normal` or the most severe level whose range it violates. */
export function numericLimitState(v: number, alarm: Alarm): AlarmLevel | 'normal' {
  const s = alarm.staticRanges;
  if (!s || Number.isNaN(v)) return 'normal';
  for (let i = ALARM_LEVELS.length - 1; i >= 0; i--) {
    const level = ALARM_LEVELS[i]!;
    const r = s.ranges[level];
    if (!r) continue;
    const inside = inRange(v, r);
    if (s.rangeForm === 'outside' ? !inside : inside) return level;
  }
  return 'normal';
}

/** The limit state of an enumerated value's label (XTCE EnumerationAlarmList, defaultAlarmLevel). */
export function enumLimitState(label: string | undefined, alarm: Alarm): AlarmLevel | 'normal' {
  if (!alarm.enumerationLevels) return 'normal';
  if (label !== undefined && label in alarm.enumerationLevels) return alarm.enumerationLevels[label]!;
  return alarm.defaultLevel ?? 'normal';
}
