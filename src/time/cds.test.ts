import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import { cdsLength, decodeCds, encodeCds, encodeCdsInto, type CdsSpec } from './cds.js';
import { setLeapSecondTable } from './leap-second-store.js';
import { BUNDLED_LEAP_SECONDS } from './leap-second-table.js';
import { taiToUtcIso, utcToTai } from './utc.js';

beforeAll(() => setLeapSecondTable(BUNDLED_LEAP_SECONDS));

const hex = (s: string): Uint8Array => Uint8Array.from(s.replace(/\s/g, '').match(/../g)!.map((b) => parseInt(b, 16)));
const toHex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');

const SHORT: CdsSpec = { code: 'cds', dayOctets: 2, subMs: 'none', pField: true, epochTai: 0 };
const US: CdsSpec = { ...SHORT, subMs: 'us' };

describe('decodeCds / encodeCds known answers', () => {
  // Days from 1958-01-01 to 1970-01-01 = 4383 = 0x111F (formats.md §3.2, spacepackets-rs DAYS_CCSDS_TO_UNIX).
  it('day 4383, ms 0 is 1970-01-01T00:00:00Z', () => {
    const v = decodeCds(hex('40 11 1F 00 00 00 00'), 0, SHORT);
    expect(v).toMatchObject({ days: 4383, msOfDay: 0, subMs: 0, length: 7 });
    expect(taiToUtcIso(v.tai, 3)).toBe('1970-01-01T00:00:00.000Z');
    expect(toHex(encodeCds(utcToTai('1970-01-01T00:00:00Z'), SHORT))).toBe('40 11 1f 00 00 00 00');
  });

  // Hand-computed: 2002-05-23 is day 16213 (0x3F55) after 1958-01-01; 12:34:56.789 is 45 296 789 ms (0x02B32C95).
  it('2002-05-23T12:34:56.789Z is day 0x3F55, ms 0x02B32C95', () => {
    const t = utcToTai('2002-05-23T12:34:56.789Z');
    expect(toHex(encodeCds(t, SHORT))).toBe('40 3f 55 02 b3 2c 95');
    expect(toHex(encodeCds(t, US))).toBe('41 3f 55 02 b3 2c 95 00 00');
    expect(decodeCds(hex('40 3f 55 02 b3 2c 95'), 0, SHORT).tai).toBeCloseTo(t, 6);
  });

  it('the inserted second 2016-12-31T23:59:60.5Z is day 21549 with ms 86 400 500 (UTC-based CDS)', () => {
    const t = utcToTai('2016-12-31T23:59:60.5Z');
    expect(toHex(encodeCds(t, SHORT))).toBe('40 54 2d 05 26 5d f4');
    const v = decodeCds(hex('40 54 2d 05 26 5d f4'), 0, SHORT);
    expect(v.msOfDay).toBe(86_400_500);
    expect(v.tai).toBe(t);
    // The next second is day 21550 (2017-01-01), ms 0.
    expect(toHex(encodeCds(utcToTai('2017-01-01T00:00:00Z'), SHORT))).toBe('40 54 2e 00 00 00 00');
    expect(decodeCds(hex('40 54 2e 00 00 00 00'), 0, SHORT).tai - t).toBe(0.5);
  });

  it('decodeCds() reads µs (P 0x41), ps (P 0x42) and 24-bit days (P 0x44)', () => {
    const base = utcToTai('1970-01-01T00:00:00Z');
    expect(decodeCds(hex('41 11 1f 00 00 00 01 01 f4'), 0, SHORT).tai).toBeCloseTo(base + 0.0015, 9);
    const ps = decodeCds(hex('42 11 1f 00 00 00 00 1d cd 65 00'), 0, SHORT);
    expect(ps.subMs).toBe(500_000_000);
    expect(ps.length).toBe(11);
    expect(ps.tai).toBeCloseTo(base + 0.0005, 9);
    const d24 = decodeCds(hex('44 00 11 1f 00 00 00 00'), 0, SHORT);
    expect(d24).toMatchObject({ days: 4383, length: 8 });
    expect(d24.tai).toBe(base);
  });

  it('decodeCds() with scale tai counts days of 86 400 TAI seconds from the epoch', () => {
    expect(decodeCds(hex('40 00 02 00 00 03 e8'), 0, SHORT, 'tai').tai).toBe(2 * 86400 + 1);
    expect(toHex(encodeCds(2 * 86400 + 1, SHORT, 'tai'))).toBe('40 00 02 00 00 03 e8');
  });

  it('agency epoch: P-field bit 0x08 counts from spec.epochTai (here 2000-01-01T00:00:00Z)', () => {
    const epochTai = utcToTai('2000-01-01T00:00:00Z');
    const spec: CdsSpec = { ...SHORT, epochTai };
    const bytes = encodeCds(utcToTai('2000-01-03T00:00:01Z'), spec);
    expect(toHex(bytes)).toBe('48 00 02 00 00 03 e8');
    expect(taiToUtcIso(decodeCds(bytes, 0, spec).tai, 0)).toBe('2000-01-03T00:00:01Z');
    // Without the bit the same T-field counts from 1958.
    expect(taiToUtcIso(decodeCds(hex('40 00 02 00 00 03 e8'), 0, spec).tai, 0)).toBe('1958-01-03T00:00:01Z');
  });

  it('implicit spec (no P-field) reads at an offset inside a subarray', () => {
    const spec: CdsSpec = { code: 'cds', dayOctets: 3, subMs: 'us', pField: false, epochTai: 0 };
    const buf = hex('ff ff 00 11 1f 00 00 00 00 00 07 ff').subarray(1);
    const v = decodeCds(buf, 1, spec);
    expect(v).toMatchObject({ days: 4383, subMs: 7, length: 9 });
    expect(cdsLength(spec)).toBe(9);
  });

  it('encodeCds() rounds into the next day', () => {
    const t = utcToTai('2025-03-01T23:59:59.9996Z');
    expect(toHex(encodeCds(t, SHORT))).toBe(toHex(encodeCds(utcToTai('2025-03-02T00:00:00Z'), SHORT)));
  });
});

describe('decodeCds / encodeCds errors', () => {
  it('decodeCds() throws InputError naming the offset', () => {
    expect(() => decodeCds(hex('1e 00 00 00 00 00 00'), 0, SHORT)).toThrow(/offset 0x0 \(0\).*not a CDS/);
    expect(() => decodeCds(hex('43 00 00 00 00 00 00 00 00 00 00'), 0, SHORT)).toThrow(/reserved/);
    expect(() => decodeCds(hex('40 00 00 00 00 00'), 0, SHORT)).toThrow(/needs 7 octets, 6 available/);
    expect(() => decodeCds(hex('41 00 00 00 00 00 00 03 e8'), 0, SHORT)).toThrow(/microseconds 1000/);
    expect(() => decodeCds(hex('42 00 00 00 00 00 00 3b 9a ca 00'), 0, SHORT)).toThrow(InputError);
    // ms ≥ 86 400 000 only on a day that ends in a leap second (2016-12-31 yes, 2016-12-30 no).
    expect(() => decodeCds(hex('40 54 2c 05 26 5d f4'), 0, SHORT)).toThrow(/no leap second/);
    expect(() => decodeCds(hex('40 54 2d 05 26 62 a4'), 0, SHORT)).toThrow(InputError);
  });

  it('encodeCds() throws RangeError before the epoch, beyond the day range, or into a short buffer', () => {
    expect(() => encodeCds(utcToTai('1957-12-31T00:00:00Z'), SHORT)).toThrow(RangeError);
    expect(() => encodeCds(utcToTai('2140-01-01T00:00:00Z'), SHORT)).toThrow(RangeError);
    expect(encodeCds(utcToTai('2140-01-01T00:00:00Z'), { ...SHORT, dayOctets: 3 }).length).toBe(8);
    expect(() => encodeCdsInto(0, SHORT, new Uint8Array(3))).toThrow(RangeError);
  });
});

describe('CDS round trips (property)', () => {
  const layout = fc.record({ dayOctets: fc.constantFrom(2 as const, 3 as const), subMs: fc.constantFrom('none' as const, 'us' as const, 'ps' as const), pField: fc.boolean() });
  const lo = utcToTai('1958-01-01T00:00:00Z');
  const hi = utcToTai('2130-01-01T00:00:00Z');

  it('decodeCds(encodeCds(t)) is within half a unit (plus float64 spacing) of t', () => {
    fc.assert(
      fc.property(layout, fc.double({ min: lo, max: hi, noNaN: true }), (l, tai) => {
        const spec: CdsSpec = { code: 'cds', ...l, epochTai: 0 };
        const v = decodeCds(encodeCds(tai, spec), 0, spec);
        const unit = l.subMs === 'none' ? 1e-3 : l.subMs === 'us' ? 1e-6 : 1e-12;
        expect(Math.abs(v.tai - tai)).toBeLessThanOrEqual(unit / 2 + 1e-6);
      }),
    );
  });

  // µs codes come back exactly while float64 TAI resolves µs: up to 2^32 s after 1958 (2094, day 49710);
  // beyond that the spacing is 0.95 µs (see TaiSeconds).
  it('encodeCds(decodeCds(bytes)) gives the bytes back for ms and µs codes up to 2094, leap seconds included', () => {
    const leapDays = BUNDLED_LEAP_SECONDS.entries.slice(1).map((e) => e.utcUnix / 86400 + 4383 - 1);
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: 0, max: 65_535 }), fc.constantFrom(...leapDays)),
        fc.integer({ min: 0, max: 86_400_999 }),
        fc.integer({ min: 0, max: 999 }),
        fc.boolean(),
        (days, ms, us, withUs) => {
          fc.pre(!withUs || days <= 49_000);
          fc.pre(ms < 86_400_000 || leapDays.includes(days));
          const spec: CdsSpec = { code: 'cds', dayOctets: 2, subMs: withUs ? 'us' : 'none', pField: true, epochTai: 0 };
          const bytes = Uint8Array.from([withUs ? 0x41 : 0x40, days >> 8, days & 255, ms >>> 24, (ms >> 16) & 255, (ms >> 8) & 255, ms & 255, ...(withUs ? [us >> 8, us & 255] : [])]);
          expect(toHex(encodeCds(decodeCds(bytes, 0, spec).tai, spec))).toBe(toHex(bytes));
        },
      ),
    );
  });
});
