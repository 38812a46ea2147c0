import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runIdoc } from './_run-in-process.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const fx = (name: string) => path.join(root, 'fixtures/orbits', name);

const idoc = (...argv: string[]) => runIdoc(argv);

describe('idoc orbit state', () => {
  it('prints the state of a TLE at an instant, as text and as JSON', async () => {
    const text = await idoc('orbit', 'state', '--tle', fx('iss-2014.tle'), '--at', '2014-01-21T00:00:00Z', '--station', 'REDU:50.0:5.15:380:5');
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/^object {10}ISS \(ZARYA\) \(25544\)/);
    expect(text.out).toMatch(/position TEME {3}-?\d+\.\d{3} /);
    // Epoch 2014-01-20T22:23:04Z is in revolution 86847; the ascending node at 22:30:38 starts 86848.
    expect(text.out).toMatch(/orbit {11}86848/);
    const j = await idoc('orbit', 'state', '--tle', fx('iss-2014.tle'), '--at', '2014-01-21T00:00:00Z', '--json');
    const rec = JSON.parse(j.out).result;
    expect(rec.time).toBe('2014-01-21T00:00:00.000Z');
    expect(rec.altitudeKm).toBeGreaterThan(400);
    expect(rec.altitudeKm).toBeLessThan(440);
    expect(['sunlit', 'penumbra', 'umbra']).toContain(rec.eclipse);
  });

  it('the same instant from the OEM written from that TLE agrees within 1 m', async () => {
    const a = JSON.parse((await idoc('orbit', 'state', '--tle', fx('iss-2014.tle'), '--at', '2014-01-21T00:30:30Z', '--json')).out).result;
    const b = JSON.parse((await idoc('orbit', 'state', '--oem', fx('leo-sample.oem.xml'), '--at', '2014-01-21T00:30:30Z', '--json')).out).result;
    const d = Math.hypot(a.positionItrfKm.x - b.positionItrfKm.x, a.positionItrfKm.y - b.positionItrfKm.y, a.positionItrfKm.z - b.positionItrfKm.z);
    expect(d).toBeLessThan(1e-3);
    expect(b.frame).toBe('GCRF');
  });

  it('exits 2 with file and line for a time outside coverage, bad files and usage errors', async () => {
    const out = await idoc('orbit', 'state', '--oem', fx('leo-sample.oem'), '--at', '2014-01-22T00:00:00Z');
    expect(out.code).toBe(2);
    expect(out.err).toMatch(/^idoc: .*leo-sample\.oem: 2014-01-22T00:00:00\.000Z is outside the usable spans: .*leo-sample\.oem:5\)/);
    const tle = await idoc('orbit', 'state', '--tle', fx('iss-2014.tle'), '--at', '2015-01-01T00:00:00Z');
    expect([tle.code, tle.err]).toEqual([2, expect.stringMatching(/iss-2014\.tle:2-3: 2015-01-01T00:00:00\.000Z is more than 30 days/)]);
    const bad = await idoc('orbit', 'state', '--oem', fx('bad/epochs-out-of-order.oem'), '--at', '2014-01-21T01:42:00Z');
    expect([bad.code, bad.err]).toEqual([2, expect.stringMatching(/epochs-out-of-order\.oem:20: .*epochs out of order/)]);
    expect((await idoc('orbit', 'state', '--tle', fx('iss-2014.tle'), '--at', 'yesterday')).code).toBe(2);
    expect((await idoc('orbit', 'state', '--tle', fx('iss-2014.tle'), '--oem', fx('leo-sample.oem'), '--at', '2014-01-21T00:00:00Z')).err).toMatch(/give one ephemeris: --ephemeris FILE/);
    const wrong = await idoc('orbit', 'state', '--tle', fx('leo-sample.oem'), '--at', '2014-01-21T00:00:00Z');
    expect([wrong.code, wrong.err]).toEqual([2, expect.stringMatching(/leo-sample\.oem:1: no two-line element sets found/)]);
  });
});

describe('idoc orbit events', () => {
  it('lists events and passes; --csv and --json carry the same events', async () => {
    const args = ['orbit', 'events', '--tle', fx('iss-2014.tle'), '--from', '2014-01-21T00:00:00Z', '--to', '2014-01-21T12:00:00Z', '--station', 'REDU:50.0:5.15:380:5', '--altitude', '425'];
    const text = await idoc(...args);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/^2014-01-21T\d\d:\d\d:\d\d\.\d{3}Z {2}\S+/);
    expect(text.out).toMatch(/\npasses:\n {2}REDU/);
    const csv = (await idoc(...args, '--csv')).out.trim().split('\r\n');
    expect(csv[0]).toBe('time,kind,orbit,station,threshold,value');
    const json = JSON.parse((await idoc(...args, '--json')).out).result;
    expect(json.events).toHaveLength(csv.length - 1);
    expect(json.events.some((e: { kind: string }) => e.kind === 'aos')).toBe(true);
    expect(json.passes[0].station).toBe('REDU');
    const only = JSON.parse((await idoc(...args, '--json', '--kinds', 'umbra-entry,umbra-exit')).out).result;
    expect(new Set(only.events.map((e: { kind: string }) => e.kind))).toEqual(new Set(['umbra-entry', 'umbra-exit']));
  });

  it('warns about the gap between OEM segments and refuses a range outside coverage', async () => {
    const ok = await idoc('orbit', 'events', '--oem', fx('leo-sample.oem'), '--from', '2014-01-21T00:10:00Z', '--to', '2014-01-21T03:00:00Z', '--csv');
    expect(ok.code).toBe(0);
    expect(ok.err).toMatch(/warning: .*leo-sample\.oem: no ephemeris 2014-01-21T01:25:00\.000Z…2014-01-21T01:40:00\.000Z/);
    const out = await idoc('orbit', 'events', '--oem', fx('leo-sample.oem'), '--from', '2014-01-21T00:00:00Z', '--to', '2014-01-21T03:00:00Z');
    expect([out.code, out.err]).toEqual([2, expect.stringMatching(/leo-sample\.oem: 2014-01-21T00:00:00\.000Z is outside the usable spans/)]);
    expect((await idoc('orbit', 'events', '--tle', fx('iss-2014.tle'), '--from', '2014-01-21T00:00:00Z', '--to', '2014-01-21T01:00:00Z', '--kinds', 'sunset')).code).toBe(2);
  });
});

describe('idoc orbit geometry', () => {
  it('writes a CSV grid including both ends, one row per step, with station columns', async () => {
    const g = await idoc('orbit', 'geometry', '--tle', fx('iss-2014.tle'), '--from', '2014-01-21T00:00:00Z', '--to', '2014-01-21T00:10:00Z', '--step', 'PT10S', '--station', 'REDU:50.0:5.15:380:5');
    expect(g.code).toBe(0);
    const rows = g.out.trim().split('\r\n');
    expect(rows).toHaveLength(62);
    expect(rows[0]).toBe('time,frame,x_km,y_km,z_km,vx_km_s,vy_km_s,vz_km_s,lat_deg,lon_deg,alt_km,ground_speed_km_s,sun_elevation_deg,day_night,eclipse,illumination,orbit,REDU_az_deg,REDU_el_deg,REDU_range_km,REDU_visible');
    expect(rows[1]).toMatch(/^2014-01-21T00:00:00\.000Z,TEME,/);
    expect(rows[61]).toMatch(/^2014-01-21T00:10:00\.000Z,/);
    expect(rows[1]!.split(',')).toHaveLength(21);
    const speed = Number(rows[1]!.split(',')[11]);
    expect(speed).toBeGreaterThan(6.5); // ISS ground-track speed ≈ 7.2 km/s (minus Earth rotation effects)
    expect(speed).toBeLessThan(7.6);
  });

  it('rejects a malformed step', async () => {
    const g = await idoc('orbit', 'geometry', '--tle', fx('iss-2014.tle'), '--from', '2014-01-21T00:00:00Z', '--to', '2014-01-21T00:10:00Z', '--step', '10s');
    expect([g.code, g.err]).toEqual([2, expect.stringMatching(/--step 10s: expected an ISO-8601 duration/)]);
  });
});

describe('idoc orbit check', () => {
  const conf = (p: string) => fx(`conformance/${p}`);
  it('exit 0 for valid files (OEM KVN/XML/NDM, TLE), one summary line each; coverage holes as notes', async () => {
    const r = await idoc('orbit', 'check', conf('valid/v2-ndm-iss.xml'), conf('valid/v2-kvn-data-gap.oem'), fx('iss-2014.tle'));
    expect(r.code).toBe(0);
    expect(r.out).toContain(`${conf('valid/v2-ndm-iss.xml')}: valid: OEM 2.0 XML, 1 segment, 8 states of ISS (1998-067-A), centre/frame EARTH/EME2000`);
    expect(r.out).toMatch(/note: .*v2-kvn-data-gap\.oem:24-25: coverage hole of 4260 s/);
    expect(r.out).toContain(`${fx('iss-2014.tle')}: valid: 1 two-line element set of 1 object`);
    expect(r.out.trim().split('\n').at(-1)).toBe('3 file(s) valid');
  });
  it('exit 2 for invalid files: one line per problem naming file and line; --json gives the same', async () => {
    const a = conf('invalid/covariance-no-epoch.oem');
    const b = conf('invalid/epochs-unsorted.oem');
    const r = await idoc('orbit', 'check', conf('valid/v1-kvn.oem'), a, b);
    expect(r.code).toBe(2);
    expect(r.out.split('\n').filter((l) => l.startsWith(a))).toEqual([
      `${a}:29: COV_REF_FRAME must follow a covariance EPOCH`,
      `${a}:30: covariance matrix without EPOCH`,
    ]);
    expect(r.out).toContain(`${b}:23: epoch 2014-01-21T00:03:00.000 is not after the previous state's (line 22): epochs out of order\n`);
    expect(r.out).toContain('2 of 3 file(s) invalid');
    const j = await idoc('orbit', 'check', '--json', a, b);
    expect(j.code).toBe(2);
    const recs = JSON.parse(j.out).result as { file: string; valid: boolean; problems: { path: string }[] }[];
    expect(recs.map((x) => [x.valid, x.problems.map((p) => p.path)])).toEqual([[false, [`${a}:29`, `${a}:30`]], [false, [`${b}:23`]]]);
  });
  it('a TLE with a bad checksum and a file that is neither: exit 2, one line each', async () => {
    const r = await idoc('orbit', 'check', fx('sgp4-ver-subset.tle'), conf('invalid/expected.json'));
    expect(r.code).toBe(2);
    expect(r.out).toContain(`${conf('invalid/expected.json')}:1: neither an OEM`);
    expect(r.out).toMatch(/sgp4-ver-subset\.tle:\d+: line 2 has 104 characters, expected 69/);
  });
});

describe('idoc orbit with a decaying TLE and coverage holes', () => {
  const decay = fx('decay-28872.tle'); // decays 51.5 min after its epoch 2005-11-29T00:28:58Z (SGP4 error 6)
  it('orbit geometry writes the rows before the failing sample, then names it once, exit 2', async () => {
    const r = await idoc('orbit', 'geometry', '--tle', decay, '--from', '2005-11-29T01:00:00Z', '--to', '2005-11-29T01:40:00Z', '--step', 'PT5M');
    expect(r.code).toBe(2);
    expect(r.out.trim().split('\r\n').map((l) => l.slice(0, 24))).toEqual(['time,frame,x_km,y_km,z_k', ...[0, 5, 10, 15, 20].map((m) => `2005-11-29T01:${String(m).padStart(2, '0')}:00.000Z`)]);
    expect(r.err.trim().split('\n')).toEqual([
      `idoc: ${decay}:1-2: SGP4 error 6 (satellite has decayed) at 2005-11-29T01:25:00.000Z, 56.018 min from epoch: geometry sample 6 of 9 (2005-11-29T01:25:00.000Z) failed; 5 rows written before it`,
    ]);
  });
  it('orbit events and orbit state name an SGP4 failure once, on one line, exit 2', async () => {
    const e = await idoc('orbit', 'events', '--tle', decay, '--from', '2005-11-29T00:30:00Z', '--to', '2005-11-29T02:00:00Z', '--station', 'A:10:10:0:5');
    expect(e.code).toBe(2);
    expect(e.err.trim().split('\n')).toHaveLength(1);
    expect(e.err).toMatch(/^idoc: .*decay-28872\.tle:1-2: SGP4 error 6 \(satellite has decayed\) at 2005-11-29T01:2\d:\d\d\.\d{3}Z, 5\d\.\d{3} min from epoch\n$/);
    const s = await idoc('orbit', 'state', '--tle', decay, '--at', '2005-11-29T01:30:00Z');
    expect(s).toMatchObject({ code: 2, err: `idoc: ${decay}:1-2: SGP4 error 6 (satellite has decayed) at 2005-11-29T01:30:00.000Z, 61.018 min from epoch\n` });
  });
  it('--tle-max-age widens the span around the epoch (the default 30 days refuses 3.5 years out)', async () => {
    const at = '2017-07-20T00:00:00Z';
    const no = await idoc('orbit', 'state', '--tle', fx('iss-2014.tle'), '--at', at);
    expect(no.code).toBe(2);
    expect(no.err).toMatch(/is more than 30 days from the epoch/);
    const yes = await idoc('orbit', 'state', '--tle', fx('iss-2014.tle'), '--at', at, '--tle-max-age', '1300', '--json');
    expect(yes.code).toBe(0);
    expect(JSON.parse(yes.out).result.time).toBe('2017-07-20T00:00:00.000Z');
    expect((await idoc('orbit', 'state', '--tle', fx('iss-2014.tle'), '--at', at, '--tle-max-age', 'x')).err).toBe('idoc: --tle-max-age "x": expected a positive number\n');
  });
  it('orbit state inside a coverage hole of an OEM segment: exit 2 naming the lines around the hole', async () => {
    const r = await idoc('orbit', 'state', '--oem', fx('conformance/valid/v2-kvn-data-gap.oem'), '--at', '2014-01-21T00:40:00Z');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/is in a coverage hole: no states between line 24 .* and line 25/);
    const wide = await idoc('orbit', 'state', '--oem', fx('conformance/valid/v2-kvn-data-gap.oem'), '--at', '2014-01-21T00:40:00Z', '--max-gap-steps', '100');
    expect(wide.code).toBe(0);
  });
});

describe('idoc orbit on hostile ephemeris files', () => {
  it('binary junk, truncated NDM XML and control bytes: exit 2, one line per problem, nothing unprintable echoed', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(path.join(tmpdir(), 'idoc-orbit-junk-'));
    const junk = path.join(dir, 'junk.oem');
    writeFileSync(junk, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256)));
    const trunc = path.join(dir, 'trunc.xml');
    writeFileSync(trunc, '<?xml version="1.0"?>\n<ndm><oem version="2.0"><header>');
    const ctl = path.join(dir, 'ctl.oem');
    writeFileSync(ctl, 'CCSDS_OEM_VERS = 2.0\nCREATION_DATE = 2014-01-01T00:00:00\nORIGINATOR = X\n\u0002\u0001garbage\n');
    const nul = path.join(dir, 'nul.oem');
    writeFileSync(nul, 'CCSDS_OEM_VERS = 2.0\nCREATION_DATE = 2014-01-01T00:00:00\n\u0000\u0000\u0000');
    const a = await idoc('orbit', 'state', '--oem', junk, '--at', '2014-01-01T00:00:00Z');
    expect(a).toMatchObject({ code: 2, err: `idoc: ${junk}: offset 0x39 (57): binary data (a NUL character), not a TLE or OEM file\n` });
    const b = await idoc('orbit', 'state', '--oem', trunc, '--at', '2014-01-01T00:00:00Z');
    expect(b.code).toBe(2);
    expect(b.err.trim().split('\n')).toEqual([`idoc: ${trunc}:1: XML: Invalid '[ "ndm", "oem", "header"]' found.`]);
    const c = await idoc('orbit', 'check', ctl, junk);
    expect(c.code).toBe(2);
    expect(c.out).toContain(`${ctl}:4: expected KEYWORD = value, found "??garbage"\n`);
    expect(c.out).toContain(`${junk}:1: neither an OEM`);
    expect(c.out).not.toMatch(/[\u0000-\u0008\ufffd]/);
    const d = await idoc('orbit', 'state', '--oem', nul, '--at', '2014-01-01T00:00:00Z');
    expect(d).toMatchObject({ code: 2, err: `idoc: ${nul}: offset 0x39 (57): binary data (a NUL character), not a TLE or OEM file\n` });
  });
});
