/**
 * @module The time scale idoc keeps inside: TAI seconds since the CCSDS epoch 1958-01-01T00:00:00 TAI
 * (CCSDS 301.0-B-4 §3.2.4, "level 1" epoch), and the constants that tie it to the Unix axis.
 */

/**
 * Seconds since 1958-01-01T00:00:00 TAI, as a float64.
 *
 * Resolution: a float64 has a 53-bit significand, so the spacing between representable instants is
 * 2^(e−52) s where 2^e ≤ t < 2^(e+1). From 1992 to early 2026 (2^30 ≤ t < 2^31 s) that is 2^-22 s ≈ 0.24 µs;
 * from 2026-01-20 to 2094 (2^31 ≤ t < 2^32 s) it is 2^-21 s ≈ 0.48 µs. Sub-microsecond parts of a CUC
 * with 3 fine octets (2^-24 s ≈ 60 ns) or of a CDS picosecond field are therefore rounded; keep the
 * raw counts of {@link CucValue} / {@link CdsValue} when those matter.
 */
export type TaiSeconds = number;

declare const TAI_BRAND: unique symbol;
declare const UTC_BRAND: unique symbol;
declare const UTC_MS_BRAND: unique symbol;
/**
 * A TAI instant, seconds since 1958-01-01T00:00:00 TAI ({@link TaiSeconds}), branded so that the compiler tells it
 * from a UTC instant: a plain number or a {@link UtcUnix} is not a `Tai`. It is still a number to read (and
 * arithmetic on it gives plain numbers). Made by the conversions (`utcToTai`, `utcUnixToTai`, `obtToTai`) or
 * {@link asTai} where a number is known to be TAI (a stored column).
 */
export type Tai = number & { readonly [TAI_BRAND]: 'TAI' };
/** A UTC instant as Unix seconds (POSIX: leap seconds not counted), branded (see {@link Tai}). */
export type UtcUnix = number & { readonly [UTC_BRAND]: 'UTC' };
/** A UTC instant as Unix milliseconds (POSIX), branded (see {@link Tai}). */
export type UtcUnixMs = number & { readonly [UTC_MS_BRAND]: 'UTC ms' };
/** Declare a number (seconds since 1958, TAI) a {@link Tai}. */
export const asTai = (seconds: number): Tai => seconds as Tai;
/** Declare a number (Unix seconds, UTC) a {@link UtcUnix}. */
export const asUtcUnix = (seconds: number): UtcUnix => seconds as UtcUnix;
/** Declare a number (Unix milliseconds, UTC) a {@link UtcUnixMs}. */
export const asUtcUnixMs = (ms: number): UtcUnixMs => ms as UtcUnixMs;

/** Seconds in a day without a leap second. */
export const SECONDS_PER_DAY = 86_400;

/** Calendar days from 1958-01-01 to 1970-01-01 (CCSDS 301.0-B-4 epoch → Unix epoch). */
export const DAYS_1958_TO_1970 = 4383;

/**
 * 1970-01-01 minus 1958-01-01 counted in calendar days of 86 400 s: 4383 × 86 400 = 378 691 200 s.
 * `tai − TAI_UNIX_OFFSET` puts a TAI instant on the Unix axis (still TAI, no leap seconds removed).
 */
export const TAI_UNIX_OFFSET = DAYS_1958_TO_1970 * SECONDS_PER_DAY;

/** Modified Julian Date of 1970-01-01 (the Unix epoch). */
export const MJD_UNIX_EPOCH = 40_587;
