/**
 * @module The benchmark's input: a large mixed packet capture written in streaming fashion (never held in
 * memory): four APIDs of SIM-like sizes, PUS-C TM with CUC 4+2 and a PEC, about 300 bytes a packet on average.
 */
import { open } from 'node:fs/promises';
import { buildPacket, pusCTmSecondaryHeader } from '../src/ccsds/packet.js';
import { crc16 } from '../src/ccsds/crc16.js';

interface Stream { apid: number; size: number; weight: number }
/** Mix by packet count: housekeeping dominates counts, science dominates bytes. */
export const MIX: readonly Stream[] = [
  { apid: 1100, size: 64, weight: 40 },
  { apid: 1101, size: 48, weight: 30 },
  { apid: 1110, size: 1024, weight: 25 },
  { apid: 1120, size: 80, weight: 5 },
];

/** Write `packets` packets to `file`; returns the byte count. */
export async function writeMixedCapture(file: string, packets: number): Promise<number> {
  const templates = MIX.map((s) => {
    const sh = pusCTmSecondaryHeader({ service: 3, subtype: 25, time: new Uint8Array(6) });
    const data = new Uint8Array(s.size - 6 - sh.length - 2);
    for (let i = 0; i < data.length; i++) data[i] = (i * 31 + s.apid) & 0xff;
    return buildPacket({ type: 0, apid: s.apid, sequenceFlags: 3, sequenceCount: 0, secondaryHeader: sh, data, crc: true });
  });
  const order: number[] = [];
  MIX.forEach((s, k) => { for (let i = 0; i < s.weight; i++) order.push(k); });
  const seq = new Array<number>(MIX.length).fill(0);
  const fh = await open(file, 'w');
  const block = new Uint8Array(4 << 20);
  let used = 0;
  let total = 0;
  try {
    for (let i = 0; i < packets; i++) {
      const k = order[(i * 37) % order.length]!;
      const t = templates[k]!;
      if (used + t.length > block.length) { await fh.write(block, 0, used); used = 0; }
      block.set(t, used);
      const s = seq[k]!;
      seq[k] = (s + 1) & 0x3fff;
      block[used + 2] = 0xc0 | (s >>> 8);
      block[used + 3] = s & 0xff;
      const coarse = 820_000_000 + Math.floor(i / 10); // time field: coarse seconds at +13
      block[used + 13] = coarse >>> 24; block[used + 14] = (coarse >>> 16) & 0xff; block[used + 15] = (coarse >>> 8) & 0xff; block[used + 16] = coarse & 0xff;
      const c = crc16(block, used, used + t.length - 2);
      block[used + t.length - 2] = c >>> 8;
      block[used + t.length - 1] = c & 0xff;
      used += t.length;
      total += t.length;
    }
    await fh.write(block, 0, used);
  } finally {
    await fh.close();
  }
  return total;
}
