import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { run } from '../../bin/idoc.js';
import { decodeSecondaryHeader, packetTimeOf } from '../../src/ccsds/secondary-header.js';
import { PROFILE_PRESETS } from '../../src/ccsds/profile.js';
import { profileFromOptions } from '../../src/config/index.js';
import { taiToUtcIso } from '../../src/time/index.js';
import { cdsOnlyStream, CDS_START_UTC, pusADestinationStream } from '../../fixtures/patterns.js';
import { splitBuffer } from '../framing/index.js';
import { guessFromPackets } from './guess-profile.js';

const SERENA = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/samples/2015-04-22_tm.dds');
const packetsOf = (b: Uint8Array) => splitBuffer(b, {}).batch.packets;

describe('time-code-only profiles cds and cuc (NOAA-20/JPSS)', () => {
  const packets = packetsOf(cdsOnlyStream());
  it('cds: CDS 2+4+2 (day, ms of day, µs) right after the primary header, no PUS fields', () => {
    const p = packets[2]!; // APID 11, second packet: start + 1 s
    const h = decodeSecondaryHeader(p.buf, p.offset, p.length, 0, PROFILE_PRESETS['cds']!);
    expect(h).toEqual({ ok: true, header: { length: 8, time: expect.any(Number), synchronised: true } });
    expect(taiToUtcIso(packetTimeOf(p.buf, p.offset, p.length, PROFILE_PRESETS['cds']!)!)).toBe('2021-03-04T05:06:08.250000Z');
    expect(decodeSecondaryHeader(p.buf, p.offset, p.length, 1, PROFILE_PRESETS['cds']!).ok).toBe(false); // no TC header defined
  });
  it('cuc: --time refines it (CUC 4+0, IMAP-like)', () => {
    const prof = profileFromOptions(PROFILE_PRESETS['cuc']!, { timeCode: 'cuc4.0', epoch: '2010-01-01T00:00:00Z' });
    const b = Uint8Array.from([0x08, 0x64, 0xc0, 0x00, 0x00, 0x05, 0x00, 0x00, 0x01, 0x00, 0xaa, 0xbb]);
    expect(taiToUtcIso(packetTimeOf(b, 0, b.length, prof)!)).toBe('2010-01-01T00:04:16.000000Z');
  });
  it('the guess without --profile: no PUS signature + --time → the time code alone; without --time → none', () => {
    const base = profileFromOptions(PROFILE_PRESETS['pus-c']!, { timeCode: 'cds-us' });
    const g = guessFromPackets(packets, { base, timeGiven: true });
    expect(g.profile.secondaryHeader).toBe('cds');
    expect(g.reason).toMatch(/^guessed: no PUS signature \(first data-field octet 0x5a\), the secondary header read as the --time code alone$/);
    expect(guessFromPackets(packets).profile.secondaryHeader).toBe('none');
  });
});

describe('PUS-A: with or without the destination octet, with the evidence', () => {
  it('a destination ID that differs between APIDs shows in the times: present', () => {
    const g = guessFromPackets(packetsOf(pusADestinationStream()));
    expect(g).toMatchObject({ uncertain: false, profile: { secondaryHeader: 'pus-a', pusA: { destinationOctets: 1 } } });
    expect(g.reason).toBe('guessed: PUS-A octet 0x10 in 32 of 32 TM packets; destination ID present (packet times within a day of each other: 32 of 32 with a 1-octet destination ID, 29 of 32 without)');
  });
  it('the same destination everywhere cannot be seen: uncertain, said so, read without', () => {
    const g = guessFromPackets(packetsOf(pusADestinationStream(60, 0)));
    expect(g).toMatchObject({ uncertain: true, profile: { pusA: { destinationOctets: 0 } } });
    expect(g.reason).toContain('UNCERTAIN whether a destination ID precedes the time (packet times within a day of each other: 32 of 32 with a 1-octet destination ID, 32 of 32 without)');
  });
  it.skipIf(!fs.existsSync(SERENA))('BepiColombo SERENA 2015-04-22 (../shared/samples): destination ID present, as its layout says', () => {
    const g = guessFromPackets(packetsOf(fs.readFileSync(SERENA).subarray(0, 256 * 1024)));
    expect(g).toMatchObject({ uncertain: false, profile: { secondaryHeader: 'pus-a', pusA: { destinationOctets: 1 } } });
  });
});

describe('packets inspect/dump --time without --profile (CLI, in-process)', () => {
  it('a CDS-only file gives its times; --profile cds gives the same', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idoc-cds-'));
    try {
      const file = path.join(dir, 'jpss.bin');
      fs.writeFileSync(file, cdsOnlyStream());
      const cli = async (...args: string[]) => {
        const out: string[] = [];
        const code = await run(args, { out: (t: string) => void out.push(t), err: () => undefined, errIsTty: false });
        return { code, out: out.join('') };
      };
      const a = await cli('packets', 'inspect', file, '--time', 'cds-us', '--json');
      expect(a.code).toBe(0);
      const r = JSON.parse(a.out).result;
      expect(r).toMatchObject({ profile: 'cds', firstTime: '2021-03-04T05:06:07.250000Z', lastTime: '2021-03-04T05:07:46.250000Z' });
      expect(r.profileReason).toMatch(/^guessed: no PUS signature/);
      const b = JSON.parse((await cli('packets', 'inspect', file, '--profile', 'cds', '--json')).out).result;
      expect(b).toMatchObject({ profile: 'cds', firstTime: r.firstTime, lastTime: r.lastTime });
      expect(b.profileReason).toBeUndefined();
      const d = await cli('packets', 'dump', file, '--time', 'cds-us', '--json', '--limit', '2');
      expect(d.out.trim().split('\n').map((l) => JSON.parse(l).time)).toEqual([new Date(CDS_START_UTC).toISOString().replace('Z', '000Z'), '2021-03-04T05:06:07.250000Z']);
      const text = await cli('packets', 'inspect', file, '--time', 'cds-us');
      expect(text.out).toContain('profile cds: guessed: no PUS signature');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
