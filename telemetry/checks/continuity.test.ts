import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../bin/idoc.js';
import { DEFAULT_PROFILE } from '../../src/ccsds/profile.js';
import { packetTimeOf } from '../../src/ccsds/secondary-header.js';
import { openArchive, openSqliteArchiveReader } from '../../src/store/index.js';
import { resetDelivery, RESET_CONFIG } from '../../fixtures/patterns.js';
import { splitBuffer } from '../framing/index.js';
import { Inspector } from '../inspect/inspect.js';
import { findGaps, gapsOf, type ArchiveReset } from '../gaps/index.js';
import { checkPackets } from '../products/index.js';
import { ContinuityState, judgeStep, OBT_PLAUSIBLE_FROM_TAI, stepTimes, type StepTimes } from './continuity.js';

const T = OBT_PLAUSIBLE_FROM_TAI + 1e8; // a plausible on-board time (2021)
const obt = (t: number): StepTimes => ({ obt: T + t, ground: undefined });
const profile = { ...DEFAULT_PROFILE, crc: 'yes' as const };

describe('judgeStep', () => {
  it('known answers: continuous, gap that fits the elapsed time, reset that does not, step back', () => {
    expect(judgeStep(1, 1, 1)).toBe('continuous');
    expect(judgeStep(0, 1, 1)).toBe('out-of-order');
    expect(judgeStep(6, 6, 1)).toBe('gap'); // 5 missing in 6 s at 1 Hz
    expect(judgeStep(21, 10, 1)).toBe('gap'); // 20 ≤ 2 × 10: within the tolerance
    expect(judgeStep(22, 10, 1)).toBe('reset');
    expect(judgeStep(16384 - 7599, 41, 1)).toBe('reset'); // 7599 → 0 after a 41 s reboot
    expect(judgeStep(16384 - 7599, 36_000, 1)).toBe('gap'); // the same jump after 10 h: the time holds it
  });
  it('without a cadence or a time, the rule of before: a big forward step with time forward is a gap, without time a step back', () => {
    expect(judgeStep(10_000, 5, undefined)).toBe('gap');
    expect(judgeStep(10_000, undefined, 1)).toBe('out-of-order');
    expect(judgeStep(10, undefined, undefined)).toBe('gap');
    expect(judgeStep(10_000, -3, 1)).toBe('out-of-order'); // time went back
  });
  it('stepTimes: on-board times before 1990 are unusable, ground times are kept', () => {
    expect(stepTimes(5, 1.5e9)).toEqual({ obt: undefined, ground: 1.5e9 });
    expect(stepTimes(T, undefined)).toEqual({ obt: T, ground: undefined });
    const groundOfT = T - 378_691_200; // the same instant on the Unix axis
    expect(stepTimes(T, groundOfT + 30 * 86_400)).toEqual({ obt: T, ground: groundOfT + 30 * 86_400 });
    expect(stepTimes(T, groundOfT + 400 * 86_400).obt).toBeUndefined(); // more than a year from its ground time
  });
});

describe('ContinuityState (property)', () => {
  it('a regular stream with dropped packets: gaps only, missing = dropped, never a reset', () => {
    fc.assert(fc.property(
      fc.double({ min: 0.05, max: 100, noNaN: true }), fc.integer({ min: 0, max: 16383 }), fc.array(fc.boolean(), { minLength: 5, maxLength: 400 }),
      (period, first, keep) => {
        const c = new ContinuityState();
        let missing = 0, lost = 0, resets = 0, last = -1;
        keep.forEach((k, i) => {
          if (!k && i > 0) { lost++; return; }
          const seq = (first + i) & 0x3fff;
          const kind = c.step(seq, obt(i * period));
          if (kind === 'gap') missing += ((seq - last) & 0x3fff) - 1;
          if (kind === 'reset') resets++;
          last = seq;
        });
        // Drops at the very end are not seen (nothing follows them).
        let trailing = 0;
        for (let i = keep.length - 1; i > 0 && !keep[i]; i--) trailing++;
        expect(resets).toBe(0);
        expect(missing).toBe(lost - trailing);
      }));
  });
  it('a restart from 0 after a short outage, once the cadence is known, is one reset and loses nothing', () => {
    fc.assert(fc.property(
      fc.double({ min: 0.1, max: 30, noNaN: true }), fc.integer({ min: 50, max: 16000 }), fc.integer({ min: 3, max: 40 }), fc.integer({ min: 0, max: 20 }),
      (period, first, before, outage) => {
        const c = new ContinuityState();
        const kinds: string[] = [];
        let t = 0;
        for (let i = 0; i < before; i++, t += period) kinds.push(c.step((first + i) & 0x3fff, obt(t)));
        t += outage * period;
        for (let i = 0; i < 10; i++, t += period) kinds.push(c.step(i, obt(t)));
        // The jump from first+before-1 to 0 implies ≥ 16384 - 16040 - 1 packets, far more than 2 × (outage + 1).
        expect(kinds.filter((k) => k === 'reset')).toHaveLength(1);
        expect(kinds.filter((k) => k === 'gap' || k === 'out-of-order')).toHaveLength(0);
      }));
  });
  it('a declared period is used from the first packet', () => {
    const c = new ContinuityState(1);
    c.step(5000, obt(0));
    expect(c.step(0, obt(30))).toBe('reset');
    const d = new ContinuityState();
    d.step(5000, obt(0));
    expect(d.step(0, obt(30))).toBe('gap'); // nothing learned yet: the rule of before (time moved forward)
  });
});

describe('the reset delivery (fixtures/patterns.ts)', () => {
  const { bytes, truth } = resetDelivery();

  it.each([[false], [true]])('packets inspect: three resets per APID, the one real gap of 5, on the axis truth says (not-synchronised flag in the count: %s)', (flag) => {
    const packets = splitBuffer(resetDelivery({ notSynchronisedFlag: flag }).bytes, { framing: 'dds', crc: 'yes' }).batch.packets;
    const ins = new Inspector({ profile });
    ins.beginFile({ file: 'resets.dds', bytes: bytes.length, framing: 'dds', framingReason: '', crc: true, crcReason: '' });
    for (const p of packets) ins.addPacket(p);
    const r = ins.report();
    for (const a of r.apids) expect({ packets: a.packets, gaps: a.gaps, missing: a.missing, resets: a.resets }).toEqual(truth.apids[a.apid]);
    expect(r.resets.map((x) => ({ apid: x.apid, afterSeq: x.afterSeq, beforeSeq: x.beforeSeq, axis: x.axis })).sort((a, b) => a.apid - b.apid))
      .toEqual([...truth.resets].sort((a, b) => a.apid - b.apid));
    // The reset after the reboot is dated by the ground (DDS) time: the on-board time restarted unsynchronised.
    expect(r.resets[0]).toMatchObject({ timeAxis: 'ground', time: '2019-06-01T00:10:41.500000Z' });
    expect(r.totals.outOfOrder).toBe(0);
    expect(r.problems).toBe(true); // the real gap
  });

  it('L0 checks: resets counted apart, not flagged as gaps (synchronised clock)', () => {
    const sync = splitBuffer(resetDelivery({ unsynchronisedReboot: false }).bytes, { framing: 'dds', crc: 'yes' }).batch.packets;
    const l0 = sync.map((p) => ({ bytes: p.buf.slice(p.offset, p.offset + p.length), apid: p.apid, sequenceCount: p.sequenceCount, sequenceFlags: p.sequenceFlags, tai: packetTimeOf(p.buf, p.offset, p.length, profile), crc: p.crc }));
    const c = checkPackets(l0, { profile });
    expect(c.resets.map((r) => [r.apid, r.afterSeq, r.beforeSeq])).toEqual([[100, 7599, 0], [101, 449, 0], [100, 359, 0], [101, 89, 0], [100, 299, 0], [101, 74, 0]]);
    expect(c.gaps.map((g) => [g.apid, g.missing])).toEqual([[100, 5]]);
  });
});

describe('archive gaps and status keep resets apart (CLI, in-process)', () => {
  let work: string;
  let archiveDir: string;
  let configFile: string;
  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'idoc-resets-'));
    archiveDir = path.join(work, 'archive');
    configFile = path.join(work, 'idoc.json');
    fs.writeFileSync(configFile, JSON.stringify(RESET_CONFIG));
    const a = openArchive(archiveDir, { fsync: false });
    const packets = splitBuffer(resetDelivery({ unsynchronisedReboot: false }).bytes, { framing: 'dds', crc: 'yes' }).batch.packets;
    a.storeBatch(packets.map((packet) => ({ packet, tai: packetTimeOf(packet.buf, packet.offset, packet.length, profile), route: 'hk', feed: 'f', source: 'resets.dds', receivedUnixMs: 1_700_000_000_000 })));
    a.close();
  });
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
  const io = () => {
    const out: string[] = [];
    return { out, io: { out: (t: string) => void out.push(t), err: () => undefined, errIsTty: false } };
  };

  it('findGaps: one gap of 5, three resets per APID', async () => {
    const a = await openSqliteArchiveReader(archiveDir);
    const resets: ArchiveReset[] = [];
    const gaps = await findGaps(a, {}, resets);
    await a.close();
    expect(gaps.map((g) => [g.apid, g.afterSeq, g.beforeSeq, g.missing])).toEqual([[100, 7099, 7105, 5]]);
    expect(resets.map((r) => [r.apid, r.afterSeq, r.beforeSeq, r.axis])).toEqual([
      [100, 7599, 0, 'obt'], [100, 359, 0, 'obt'], [100, 299, 0, 'obt'], [101, 449, 0, 'obt'], [101, 89, 0, 'obt'], [101, 74, 0, 'obt'],
    ]);
  });

  it('archive gaps --json / --csv and archive status --json', async () => {
    const j = io();
    expect(await run(['archive', 'gaps', '--archive', archiveDir, '--config', configFile, '--json'], j.io)).toBe(1);
    const r = JSON.parse(j.out.join('')).result;
    expect(r.gaps).toHaveLength(1);
    expect(r.resets).toHaveLength(6);
    expect(r.resets[0]).toMatchObject({ apid: 100, name: 'HK_FAST', afterSeq: 7599, beforeSeq: 0, time: '2019-06-01T00:10:40.000Z', timeAxis: 'obt' });
    const csv = io();
    await run(['archive', 'gaps', '--archive', archiveDir, '--config', configFile, '--csv'], csv.io);
    expect(csv.out.join('').split('\r\n').filter((l) => l.includes(',reset,'))).toHaveLength(6);
    const s = io();
    await run(['archive', 'status', '--archive', archiveDir, '--config', configFile, '--json'], s.io);
    const st = JSON.parse(s.out.join('')).result;
    expect(st).toMatchObject({ gaps: 1, missing: 5, resets: 6 });
    expect(st.apids.map((a: { resets: number; missing: number }) => [a.resets, a.missing])).toEqual([[3, 5], [3, 0]]);
  });

  it('gapsOf with a declared period: the reset is judged from the first packets', () => {
    const pts = [[T, 9000], [T + 1, 9001], [T + 60, 0], [T + 61, 1]].map(([tai, sequenceCount]) => ({ tai, sequenceCount: sequenceCount! }));
    const resets: ArchiveReset[] = [];
    expect(gapsOf(7, pts, 1, resets)).toEqual([]); // the silence of a reboot is not a gap: nothing countable is missing
    expect(resets).toMatchObject([{ apid: 7, afterSeq: 9001, beforeSeq: 0, axis: 'obt', elapsedSeconds: 59, cadenceSeconds: 1 }]);
  });
});

describe('packets inspect on the reset delivery (CLI, in-process)', () => {
  it('text and --json: resets beside gaps and missing', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idoc-resets-cli-'));
    try {
      const file = path.join(dir, 'resets.dds');
      fs.writeFileSync(file, resetDelivery().bytes);
      const cfg = path.join(dir, 'idoc.json');
      fs.writeFileSync(cfg, JSON.stringify(RESET_CONFIG));
      const out: string[] = [];
      const code = await run(['packets', 'inspect', file, '--config', cfg, '--json'], { out: (t: string) => void out.push(t), err: () => undefined, errIsTty: false });
      expect(code).toBe(1); // the real gap
      const r = JSON.parse(out.join('')).result;
      expect(r.totals).toMatchObject({ gaps: 1, missing: 5, resets: 6, outOfOrder: 0 });
      const text: string[] = [];
      await run(['packets', 'inspect', file, '--config', cfg], { out: (t: string) => void text.push(t), err: () => undefined, errIsTty: false });
      const t = text.join('');
      expect(t).toMatch(/^APID\s+name\s+packets\s+bytes\s+gaps\s+missing\s+resets/m);
      expect(t).toContain('counter resets (not losses):');
      expect(t).toContain('APID 100: count 7599 -> 0 at 2019-06-01T00:10:41.500000Z (ground time)');
      expect(t).toContain('problems: 1 gap (5 packets missing)');
      expect(t).toContain('notes: 6 counter resets');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
