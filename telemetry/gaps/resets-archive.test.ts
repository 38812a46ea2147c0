/**
 * Counter resets judged in the archive when an instrument reboots and its on-board clock restarts unsynchronised
 * (issue 11; fixtures/patterns.ts resetDelivery, the BepiColombo SERENA 2019 pattern). The rows timed by ground
 * time are judged on their acquisition time: the DDS header's, or the capture record's timestamp when the same
 * packets came in a pcap. End to end through the CLI: `packets inspect`, `ingest --once`, `archive gaps`,
 * `archive status`, `archive query` must agree with the generator's truth.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { run } from '../../bin/idoc.js';
import { resetDelivery, RESET_CONFIG } from '../../fixtures/patterns.js';
import { splitBuffer, DDS_HEADER_LENGTH, decodeDdsHeader } from '../framing/index.js';
import { ethernetIpv4Udp, writePcap } from '../framing/pcap/_write.test-helper.js';

const { bytes: DDS, truth } = resetDelivery();

/** The same delivery as a test-bench capture: each packet in a UDP datagram stamped with its DDS header time. */
function asCapture(dds: Uint8Array): Uint8Array {
  const records = [];
  for (let o = 0; o < dds.length;) {
    const h = decodeDdsHeader(dds, o);
    const packet = dds.subarray(o + DDS_HEADER_LENGTH, o + DDS_HEADER_LENGTH + h.packetSize);
    records.push({ timeUs: h.seconds * 1e6 + h.microseconds, frame: ethernetIpv4Udp('10.0.0.2', '10.0.0.1', 5000, 6000, packet) });
    o += DDS_HEADER_LENGTH + h.packetSize;
  }
  return writePcap(records);
}

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t), errIsTty: false } };
}

let work: string;
beforeAll(() => { work = fs.mkdtempSync(path.join(os.tmpdir(), 'idoc-resets-archive-')); });
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** A mission directory with the file in its drop folder; returns the config path. */
function mission(name: string, file: string, bytes: Uint8Array): string {
  const dir = path.join(work, name);
  fs.mkdirSync(path.join(dir, 'drop'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'drop', file), bytes);
  fs.writeFileSync(path.join(dir, file), bytes);
  const cfg = path.join(dir, 'idoc.json');
  fs.writeFileSync(cfg, JSON.stringify({ ...RESET_CONFIG, feeds: { drop: { kind: 'drop-folder', dir: 'drop', pollSeconds: 0.01 } }, archive: { dir: 'archive' } }));
  return cfg;
}

const resetsOf = (rs: { apid: number; afterSeq: number; beforeSeq: number }[]) =>
  rs.map((r) => [r.apid, r.afterSeq, r.beforeSeq]).sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
const truthResets = resetsOf(truth.resets);

describe.each([
  ['DDS delivery', 'resets.dds', DDS, 'dds', '2019-06-01T00:10:41.500Z'],
  ['the same packets in a pcap (record timestamps = DDS times)', 'resets.pcap', asCapture(DDS), 'pcap', '2019-06-01T00:10:41.500Z'],
] as const)('unsynchronised reboot, %s → ingest → archive gaps/status', (_name, file, bytes, kind, rebootGround) => {
  let cfg: string;
  let inspect: { totals: { gaps: number; missing: number; resets: number }; resets: { apid: number; afterSeq: number; beforeSeq: number; axis: string }[]; apids: { apid: number; missing: number; resets: number }[] };
  beforeAll(async () => {
    cfg = mission(kind, file, bytes);
    const i = io();
    expect(await run(['packets', 'inspect', path.join(path.dirname(cfg), file), '--config', cfg, '--json'], i.io)).toBe(1); // the real gap
    inspect = JSON.parse(i.out.join('')).result;
    const once = io();
    expect(await run(['ingest', '--once', '--quiet', '--config', cfg], once.io)).toBeLessThanOrEqual(1);
    expect(once.out.join('')).toContain('lost: 5 packet(s) missing by sequence count'); // resets are not losses
  });

  it('packets inspect: the truth (3 resets per APID, 5 missing), the reboot dated by the acquisition time', () => {
    expect(inspect.totals).toMatchObject({ gaps: 1, missing: 5, resets: 6 });
    expect(resetsOf(inspect.resets)).toEqual(truthResets);
    // Judged on the axis truth says: ground time across the unsynchronised phase (reboot and the mode change ending it).
    expect(inspect.resets.map((r) => [r.apid, r.afterSeq, r.axis]).sort()).toEqual(truth.resets.map((r) => [r.apid, r.afterSeq, r.axis]).sort());
  });

  it('archive gaps --json: the same resets and the one gap of 5, a missing count below a handful', async () => {
    const g = io();
    expect(await run(['archive', 'gaps', '--config', cfg, '--json'], g.io)).toBe(1);
    const r = JSON.parse(g.out.join('')).result as { gaps: { apid: number; missing: number }[]; resets: { apid: number; afterSeq: number; beforeSeq: number; time?: string; timeAxis?: string }[] };
    expect(r.gaps.map((x) => [x.apid, x.missing])).toEqual([[100, 5]]);
    expect(resetsOf(r.resets)).toEqual(truthResets);
    expect(resetsOf(r.resets)).toEqual(resetsOf(inspect.resets));
    // The reset after the reboot: the packet after it is timed by ground time (its on-board clock says 1958).
    expect(r.resets.find((x) => x.apid === 100 && x.afterSeq === 7599)).toMatchObject({ time: rebootGround, timeAxis: 'ground' });
  });

  it('archive status --json: gaps, missing and resets kept apart, per APID as inspect says', async () => {
    const s = io();
    await run(['archive', 'status', '--config', cfg, '--json'], s.io);
    const st = JSON.parse(s.out.join('')).result;
    expect(st).toMatchObject({ gaps: 1, missing: 5, resets: 6 });
    expect(st.apids.map((a: { apid: number; missing: number; resets: number }) => [a.apid, a.missing, a.resets]))
      .toEqual(inspect.apids.map((a) => [a.apid, a.missing, a.resets]));
  });

  it(`archive query --json: rows timed by ground time carry the ${kind} time with its kind`, async () => {
    const q = io();
    await run(['archive', 'query', '--config', cfg, '--apid', '100', '--json'], q.io);
    const rows = q.out.join('').trim().split('\n').map((l) => JSON.parse(l) as { sequenceCount: number; time: string; ground: string; groundKind: string; synchronised: boolean });
    expect(rows).toHaveLength(truth.apids[100]!.packets);
    expect(rows.every((r) => r.groundKind === kind)).toBe(true);
    const reboot = rows.find((r) => !r.synchronised)!;
    expect(reboot).toMatchObject({ sequenceCount: 0, time: rebootGround, ground: rebootGround });
  });

  it('packets dump --json: ground kind and time of every packet', async () => {
    const d = io();
    await run(['packets', 'dump', path.join(path.dirname(cfg), file), '--config', cfg, '--json'], d.io);
    const recs = d.out.join('').trim().split('\n').map((l) => JSON.parse(l) as { ground: { time: string; kind: string } });
    const packets = splitBuffer(DDS, { framing: 'dds', crc: 'yes' }).batch.packets;
    expect(recs).toHaveLength(packets.length);
    expect(recs.every((r) => r.ground.kind === kind)).toBe(true);
    expect(recs.map((r) => r.ground.time)).toEqual(packets.map((p) => new Date(p.dds!.seconds * 1000 + p.dds!.microseconds / 1000).toISOString().replace('Z', '000Z')));
  });
});

describe('re-delivery of the capture: duplicates within the window, repeats beyond it (capture time is an acquisition time)', () => {
  it('ingesting the pcap again stores nothing; shifted by 2 h, the unsynchronised packets are repeats', async () => {
    const cfg = mission('redeliver', 'a.pcap', asCapture(DDS));
    expect(await run(['ingest', '--once', '--quiet', '--config', cfg], io().io)).toBeLessThanOrEqual(1);
    const status = async () => { const s = io(); await run(['archive', 'status', '--config', cfg, '--json'], s.io); return JSON.parse(s.out.join('')).result as { packets: number; repeats?: number } };
    const before = await status();
    expect(before.packets).toBe(truth.apids[100]!.packets + truth.apids[101]!.packets);
    // A second ground station's copy, 30 s later: duplicates.
    const shift = (ms: number) => { const d = new Uint8Array(DDS); for (let o = 0; o < d.length;) { const h = decodeDdsHeader(d, o); const t = h.seconds * 1000 + h.microseconds / 1000 + ms; new DataView(d.buffer).setUint32(o, Math.floor(t / 1000)); new DataView(d.buffer).setUint32(o + 4, Math.round((t % 1000) * 1000)); o += DDS_HEADER_LENGTH + h.packetSize; } return asCapture(d); };
    fs.writeFileSync(path.join(path.dirname(cfg), 'drop', 'b.pcap'), shift(30_000));
    expect(await run(['ingest', '--once', '--quiet', '--config', cfg], io().io)).toBeLessThanOrEqual(1);
    expect((await status()).packets).toBe(before.packets);
    // Two hours later: every packet is a repeat (stored again): the ones timed by ground time because their ground
    // times lie beyond the window, the synchronised ones because both copies carry an acquisition time (the capture
    // timestamp) 2 h apart, as two DDS deliveries would.
    fs.writeFileSync(path.join(path.dirname(cfg), 'drop', 'c.pcap'), shift(2 * 3600_000));
    expect(await run(['ingest', '--once', '--quiet', '--config', cfg], io().io)).toBeLessThanOrEqual(1);
    expect((await status()).packets).toBe(2 * before.packets);
  });
});
