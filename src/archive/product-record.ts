/**
 * @module The products registry's one rule for a record it stores, shared by every implementation of the port
 * (SQLite, PostgreSQL): refused in one line naming the field.
 */
import { InputError } from '../errors.js';
import { utcToTai } from '../time/index.js';
import type { ProductRecord } from './port.js';

export const PRODUCT_LEVELS: readonly ProductRecord['level'][] = ['L0', 'L1', 'geometry', 'ancillary'];

/** Check a record before it is stored. @throws InputError naming the field. */
export function checkProductRecord(p: ProductRecord): void {
  const bad = (field: string, why: string): never => {
    throw new InputError(`product ${JSON.stringify(p.lidvid)}: ${field}: ${why}`);
  };
  if (typeof p.lidvid !== 'string' || !p.lidvid) bad('lidvid', 'empty');
  if (!PRODUCT_LEVELS.includes(p.level)) bad('level', `expected one of ${PRODUCT_LEVELS.join(', ')}`);
  if (!Number.isFinite(p.version)) bad('version', 'not a number');
  if (!Number.isFinite(p.registeredUnixMs)) bad('registeredUnixMs', 'not a number');
  if (utcToTai(p.stop) < utcToTai(p.start)) bad('stop', 'before start');
}
