/**
 * @module The declared APIDs as lookup arrays indexed by APID (2048 entries, CCSDS 133.0-B-2 §4.1.3.3.4:
 * 11 bits), so the per-packet question "is this APID known, and what is it?" is one array read.
 */
import type { ApidDeclaration, MissionConfig } from './types.js';

/** Number of APIDs: 11 bits. */
export const APID_COUNT = 2048;

/** Lookups over a configuration's APID declarations. */
export interface ApidTable {
  /** True when `apid` is declared (false for anything outside 0..2047 or not an integer). */
  isKnown(apid: number): boolean;
  /** The declaration covering `apid`, or undefined. */
  declarationOf(apid: number): ApidDeclaration | undefined;
  /** 2048 entries: 1 where the APID is declared, else 0. */
  readonly knownMask: Uint8Array;
}

/** Build the lookup table of `config.apids` (later entries win if declarations overlap, which a loaded config never has). */
export function apidTable(config: Pick<MissionConfig, 'apids'>): ApidTable {
  const knownMask = new Uint8Array(APID_COUNT);
  const byApid: (ApidDeclaration | undefined)[] = new Array<ApidDeclaration | undefined>(APID_COUNT).fill(undefined);
  for (const d of config.apids) {
    const from = Math.max(0, d.apids.from);
    const to = Math.min(APID_COUNT - 1, d.apids.to);
    for (let a = from; a <= to; a++) {
      knownMask[a] = 1;
      byApid[a] = d;
    }
  }
  return {
    knownMask,
    isKnown: (apid) => knownMask[apid] === 1,
    declarationOf: (apid) => (Number.isInteger(apid) ? byApid[apid] : undefined),
  };
}
