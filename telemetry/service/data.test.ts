/**
 * Packets and parameters over HTTP, and the UWS jobs beyond TAP (extraction, decoding, rebuild), end to end on the
 * simulated instrument's packets stored in the packet archive and decoded into the parameter archive: the bytes
 * served are the stored packets; every role sees only the packets and samples of its routes (the access matrix);
 * jobs run to COMPLETED with their owner's rights, their results download with Range and ETag, another user cannot
 * see them, and a job left QUEUED by a stopped service runs when the service starts again.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ParameterArchiveReader } from '../parameters/archive.js';
import { call, startTestService, type TestService } from './_test-service.js';
import { buildService } from './server.js';

let s: TestService;
beforeAll(async () => { s = await startTestService(); }, 180_000);
afterAll(async () => { await s?.close(); });

const APID: Readonly<Record<string, number>> = { SIM_HK_FAST: 1100, SIM_HK_SLOW: 1101, SIM_SCI: 1110, SIM_EVT: 1120 };
const FROM = '2025-01-01T00:10:00Z';
const TO = '2025-01-01T00:20:00Z';
const ndjson = <T,>(body: string): T[] => body.split('\n').filter(Boolean).map((l) => JSON.parse(l) as T);
const form = (o: Record<string, string>): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(o).toString() });

interface PacketLine { apid: number; time: string; sequenceCount: number; route: string; crc: string; length: number; data: string }

/** The stored packets of an APID in the window, as the archive port gives them (the reference). */
async function stored(apid: number): Promise<Buffer[]> {
  const out: Buffer[] = [];
  const { utcToTai } = await import('../../src/time/index.js');
  for await (const batch of s.reader.rows({ apids: [[apid, apid]], fromTai: utcToTai(FROM), toTai: utcToTai(TO) })) {
    for (const b of await s.reader.bytes(batch)) out.push(Buffer.from(b));
  }
  return out;
}

describe('packets', () => {
  it('serves the stored packets of an APID and window as NDJSON and as binary, byte for byte', async () => {
    const want = await stored(1100);
    expect(want.length).toBeGreaterThan(500); // 1 Hz over 10 minutes
    const r = await call(s, `/packets?apid=1100&from=${FROM}&to=${TO}`, s.tokens.operator);
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/^application\/x-ndjson/);
    const lines = ndjson<PacketLine>(r.body);
    expect(lines.map((l) => Buffer.from(l.data, 'base64'))).toEqual(want);
    expect(lines.every((l) => l.apid === 1100 && l.route === 'SIM_HK_FAST' && Date.parse(l.time) >= Date.parse(FROM) && Date.parse(l.time) < Date.parse(TO) && l.length === Buffer.from(l.data, 'base64').length)).toBe(true);
    const bin = await fetch(`${s.url}/packets?apid=1100&from=${FROM}&to=${TO}&format=binary`, { headers: { authorization: `Bearer ${s.tokens.operator}` } });
    expect(bin.headers.get('content-type')).toBe('application/octet-stream');
    expect(Buffer.from(await bin.arrayBuffer())).toEqual(Buffer.concat(want));
    const limited = ndjson<PacketLine>((await call(s, `/packets?apid=1100&from=${FROM}&to=${TO}&limit=7`, s.tokens.operator)).body);
    expect(limited.map((l) => l.sequenceCount)).toEqual(lines.slice(0, 7).map((l) => l.sequenceCount));
  });

  it('refuses a request without APID or with a bad one or a reversed window (400)', async () => {
    for (const q of ['', '?apid=5000', '?apid=x', `?apid=1100&from=${TO}&to=${FROM}`, '?apid=1100&format=zip']) {
      const r = await call(s, `/packets${q}`, s.tokens.operator);
      expect(r.status, q).toBe(400);
      expect(r.type).toMatch(/^application\/problem\+json/);
    }
  });
});

describe('parameters', () => {
  it('lists the archived parameters and serves samples as NDJSON and CSV equal to the parameter archive', async () => {
    const list = JSON.parse((await call(s, '/parameters', s.tokens.coi)).body) as { parameters: { name: string; kind: string }[] };
    expect(list.parameters.map((p) => p.name).sort()).toEqual(['BUS_VOLT', 'DET_TEMP', 'PKT_APID']);
    const pa = new ParameterArchiveReader(s.archiveDir);
    const { utcToTai } = await import('../../src/time/index.js');
    const series = pa.series('DET_TEMP', utcToTai(FROM), utcToTai(TO))!;
    pa.close();
    expect(series.length).toBeGreaterThan(500);
    const r = await call(s, `/parameters/DET_TEMP?from=${FROM}&to=${TO}`, s.tokens.operator);
    const lines = ndjson<{ time: string; apid: number; raw: number; engineering: number; validity: string }>(r.body);
    expect(lines).toHaveLength(series.length);
    expect(lines.map((l) => l.raw)).toEqual([...(series.raw as Float64Array)]);
    expect(lines.every((l) => l.apid === 1100 && Date.parse(l.time) >= Date.parse(FROM) && Date.parse(l.time) < Date.parse(TO))).toBe(true);
    const csv = await call(s, `/parameters/DET_TEMP?from=${FROM}&to=${TO}&format=csv`, s.tokens.operator);
    const rows = csv.body.trim().split('\r\n');
    expect(rows[0]).toBe('time,apid,parameter,raw,engineering,unit,validity,limit');
    expect(rows).toHaveLength(series.length + 1);
    expect((await call(s, '/parameters/NOPE', s.tokens.operator)).status).toBe(404);
  });
});

describe('packets and parameters × every role × route × embargo (deny by default)', () => {
  const who = () => ({ operator: s.tokens.operator, 'coi-own': s.tokens.coi, 'coi-other': s.tokens.other, public: s.tokens.pub, anonymous: undefined });
  // alice (coi-own) has SIM_HK_FAST, bob (coi-other) SIM_SCI; SIM_EVT is public 6 months after; SIM_HK_SLOW never.
  const readable: Record<string, Record<string, boolean>> = {
    SIM_HK_FAST: { operator: true, 'coi-own': true, 'coi-other': false, public: false, anonymous: false },
    SIM_HK_SLOW: { operator: true, 'coi-own': false, 'coi-other': false, public: false, anonymous: false },
    SIM_SCI: { operator: true, 'coi-own': false, 'coi-other': true, public: false, anonymous: false },
    SIM_EVT: { operator: true, 'coi-own': true, 'coi-other': true, public: true, anonymous: true },
  };
  it('GET /packets and GET /parameters/{name}: each packet and sample only for those who may read its route', async () => {
    const apidSamples = async (token: string | undefined): Promise<Set<number>> =>
      new Set(ndjson<{ apid: number }>((await call(s, '/parameters/PKT_APID?from=2025-01-01T00:00:00Z&to=2025-01-01T02:00:00Z', token)).body).map((l) => l.apid));
    for (const [role, token] of Object.entries(who())) {
      const apids = await apidSamples(token);
      for (const [route, expected] of Object.entries(readable)) {
        const r = await call(s, `/packets?apid=${APID[route]}&from=2025-01-01T00:00:00Z&to=2025-01-01T02:00:00Z`, token);
        expect(r.status, `${role} ${route}`).toBe(200);
        const n = ndjson<PacketLine>(r.body).length;
        expect(n > 0, `${role} ${route} packets`).toBe(expected[role]);
        expect(apids.has(APID[route]!), `${role} ${route} PKT_APID samples`).toBe(expected[role]);
      }
    }
  });
  it('an embargo not yet over keeps packets and samples from the public', async () => {
    await s.store.grants.setEmbargo('SIM_EVT', 1200);
    try {
      expect((await call(s, '/packets?apid=1120', s.tokens.pub)).body).toBe('');
      expect((await call(s, '/parameters/PKT_APID')).body).toBe('');
      expect((await call(s, '/packets?apid=1120', s.tokens.operator)).body).not.toBe('');
    } finally { await s.store.grants.setEmbargo('SIM_EVT', 6); }
  });
  it('audits packet and parameter reads (who, what)', async () => {
    await call(s, '/packets?apid=1101&limit=1', s.tokens.coi);
    await call(s, '/parameters/BUS_VOLT?limit=1', s.tokens.other);
    // The audit entry is written once the response has gone (onResponse): wait for it (PostgreSQL answers later).
    const wanted = (r: { what: string }[]) => ['/packets?apid=1101&limit=1', '/parameters/BUS_VOLT?limit=1'].every((w) => r.some((e) => e.what === w));
    let recent = await s.store.audit.recent(20);
    while (!wanted(recent)) { await new Promise((r) => setTimeout(r, 20)); recent = await s.store.audit.recent(20); }
    expect(recent.find((e) => e.what === '/packets?apid=1101&limit=1')).toMatchObject({ who: 'alice', method: 'GET', status: 200 });
    expect(recent.find((e) => e.what === '/parameters/BUS_VOLT?limit=1')).toMatchObject({ who: 'bob', method: 'GET', status: 200 });
  });
});

/** Create a job and run it; resolves to its final phase document. */
async function runJob(kind: string, params: Record<string, string>, token: string): Promise<{ loc: string; xml: string }> {
  const created = await call(s, `/jobs/${kind}`, token, form({ ...params, PHASE: 'RUN' }));
  expect(created.status, created.body).toBe(303);
  const loc = created.headers.get('location')!;
  expect(loc).toMatch(new RegExp(`^/jobs/${kind}/[A-Za-z0-9_-]+$`));
  let xml = '';
  for (let i = 0; i < 300; i++) {
    xml = (await call(s, `${loc}?WAIT=2`, token)).body;
    if (/<uws:phase>(COMPLETED|ERROR|ABORTED)</.test(xml)) break;
  }
  return { loc, xml };
}

describe('UWS jobs: extract, decode, rebuild', () => {
  it('extracts the packets of APIDs over a window as a file with an index, only those the owner may read', async () => {
    const { loc, xml } = await runJob('extract', { APID: '1100,1101', FROM, TO }, s.tokens.coi);
    expect(xml).toContain('<uws:phase>COMPLETED<');
    expect(xml).toContain('<uws:ownerId>alice<');
    const file = await fetch(`${s.url}${loc}/results/packets`, { headers: { authorization: `Bearer ${s.tokens.coi}` } });
    expect(file.status).toBe(200);
    const body = Buffer.from(await file.arrayBuffer());
    expect(body).toEqual(Buffer.concat(await stored(1100))); // 1101 (SIM_HK_SLOW) is not alice's
    expect(file.headers.get('etag')).toBe(`"${createHash('sha256').update(body).digest('hex')}"`);
    const part = await call(s, `${loc}/results/packets`, s.tokens.coi, { headers: { range: 'bytes=10-19' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 10-19/${body.length}`);
    const index = (await call(s, `${loc}/results/index`, s.tokens.coi)).body.trim().split('\r\n');
    expect(index[0]).toBe('time,apid,sequence_count,route,offset,length');
    expect(index.length - 1).toBe((await stored(1100)).length);
    // Another user: the job is not theirs (403) and not in their lists; a result of it neither.
    expect((await call(s, loc, s.tokens.other)).status).toBe(403);
    expect((await call(s, `${loc}/results/packets`, s.tokens.other)).status).toBe(403);
    expect((await call(s, '/jobs', s.tokens.other)).body).not.toContain(loc.split('/').pop());
    expect((await call(s, '/jobs/extract', s.tokens.other)).body).not.toContain(loc.split('/').pop());
    expect((await call(s, loc)).status).toBe(401);
    // The same id under another job list does not exist.
    expect((await call(s, loc.replace('/jobs/extract/', '/jobs/decode/'), s.tokens.coi)).status).toBe(404);
    expect(JSON.parse((await call(s, '/jobs', s.tokens.coi)).body).jobs).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'extract', href: loc, phase: 'COMPLETED' })]));
  }, 60_000);

  it('decodes parameters to CSV and to Parquet, from the parameter archive or the packets, only samples the owner may read', async () => {
    const { loc, xml } = await runJob('decode', { PARAMETER: 'PKT_APID,DET_TEMP', FROM, TO }, s.tokens.coi);
    expect(xml).toContain('<uws:phase>COMPLETED<');
    const csv = (await call(s, `${loc}/results/parameters`, s.tokens.coi)).body.trim().split('\r\n');
    expect(csv[0]).toBe('time,apid,parameter,raw,engineering,unit,validity,limit');
    const apids = new Set(csv.slice(1).map((l) => l.split(',')[1]));
    expect(apids).toEqual(new Set(['1100', '1120'])); // SIM_HK_FAST granted, SIM_EVT public; not 1101 or 1110
    expect(csv.filter((l) => l.split(',')[2] === 'DET_TEMP').length).toBe((await stored(1100)).length);
    // Decoding the stored packets with the mission database gives the same rows as the parameter archive.
    const fromPackets = await runJob('decode', { PARAMETER: 'PKT_APID,DET_TEMP', FROM, TO, SOURCE: 'packets' }, s.tokens.coi);
    expect(fromPackets.xml, fromPackets.xml).toContain('<uws:phase>COMPLETED<');
    expect((await call(s, `${fromPackets.loc}/results/parameters`, s.tokens.coi)).body.trim().split('\r\n')).toEqual(csv);
    const pq = await runJob('decode', { PARAMETER: 'DET_TEMP', FROM, TO, FORMAT: 'parquet' }, s.tokens.coi);
    expect(pq.xml).toContain('<uws:phase>COMPLETED<');
    const file = Buffer.from(await (await fetch(`${s.url}${pq.loc}/results/parameters`, { headers: { authorization: `Bearer ${s.tokens.coi}` } })).arrayBuffer());
    expect(file.subarray(0, 4).toString()).toBe('PAR1');
    expect(file.subarray(-4).toString()).toBe('PAR1');
    const bad = await runJob('decode', { PARAMETER: 'NOPE' }, s.tokens.coi);
    expect(bad.xml).toContain('<uws:phase>ERROR<');
    expect((await call(s, `${bad.loc}/error`, s.tokens.coi)).body).toMatch(/no parameter NOPE/);
  }, 60_000);

  it('rebuilds the L0 products of a granted route; refuses a route not granted (403) and bad parameters (400)', async () => {
    const { loc, xml } = await runJob('rebuild', { ROUTE: 'SIM_HK_FAST', FROM: '2025-01-01T00:00:00Z', TO: '2025-01-01T01:00:00Z' }, s.tokens.coi);
    expect(xml, xml).toContain('<uws:phase>COMPLETED<');
    const ids = [...xml.matchAll(/<uws:result id="([^"]+)"/g)].map((m) => m[1]!);
    const label = ids.find((i) => /^sim_hk_fast_l0_.*\.xml$/.test(i));
    expect(label, ids.join(' ')).toBeDefined();
    const text = (await call(s, `${loc}/results/${label}`, s.tokens.coi)).body;
    expect(text).toContain('<Product_Observational');
    expect(text).toMatch(/packets=\d+/);
    expect((await call(s, '/jobs/rebuild', s.tokens.coi, form({ ROUTE: 'SIM_HK_SLOW', FROM, TO }))).status).toBe(403);
    for (const p of [{ ROUTE: 'SIM_HK_FAST' }, { ROUTE: 'SIM_HK_FAST', FROM: TO, TO: FROM }, { ROUTE: '../x', FROM, TO }]) {
      expect((await call(s, '/jobs/rebuild', s.tokens.coi, form(p))).status, JSON.stringify(p)).toBe(400);
    }
    expect((await call(s, '/jobs/extract', s.tokens.coi, form({ APID: '99999', FROM, TO }))).status).toBe(400);
    expect((await call(s, '/jobs/extract', undefined, form({ APID: '1100', FROM, TO }))).status).toBe(401);
  }, 120_000);

  it('a job left QUEUED when the service stopped runs when it starts again', async () => {
    const id = 'restart-job-1';
    await s.store.jobs.put({
      id, owner: 'alice', kind: 'extract', phase: 'QUEUED', parameters: { APID: '1100', FROM, TO }, runId: undefined, createdUnixMs: Date.now(),
      startedUnixMs: undefined, endedUnixMs: undefined, executionDuration: 600, destructionUnixMs: Date.now() + 86_400_000, error: undefined, results: [],
    });
    const again = await buildService({ reader: s.reader, store: s.store, jobsDir: path.join(s.archiveDir, 'service-jobs'), archiveDir: s.archiveDir, config: s.config });
    try {
      let j = await s.store.jobs.get(id);
      for (let i = 0; i < 300 && j && !['COMPLETED', 'ERROR'].includes(j.phase); i++) { await new Promise((r) => setTimeout(r, 50)); j = await s.store.jobs.get(id); }
      expect(j?.phase, j?.error).toBe('COMPLETED');
      expect(j!.results.find((r) => r.id === 'packets')!.size).toBe(Buffer.concat(await stored(1100)).length);
    } finally { await again.close(); }
  }, 60_000);
});
