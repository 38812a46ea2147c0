/** @module Shared test inputs for the L0 product tests (not part of the public API). */
import { SIM_TIME, type SimPacket } from '../../fixtures/sim-instrument.js';
import { DEFAULT_PROFILE, type PacketProfile } from '../../src/ccsds/profile.js';
import type { L0Packet } from './types.js';

/** The SIM packet profile: PUS-C, CUC 4+2 from 2000-01-01, CRC on every packet. */
export const SIM_PROFILE: PacketProfile = { ...DEFAULT_PROFILE, time: SIM_TIME, crc: 'yes' };

/** A generated SIM packet as an L0 input packet. */
export const toL0 = (p: SimPacket, source = 'sim'): L0Packet => ({
  bytes: p.bytes, apid: p.apid, sequenceCount: p.sequenceCount, sequenceFlags: p.bytes[2]! >>> 6, tai: p.tai, crc: 'ok', source,
});
