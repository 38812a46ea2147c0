/**
 * @module The PostgreSQL archive's read side ({@link ArchiveReader} of src/archive/port.ts): rows in batches by
 * keyset pagination in (time, APID, count) order, columnar scans, octets from the shared segment files, status,
 * cursors and the products registry. Rows are turned into {@link PacketRow}s exactly as the SQLite store does.
 */
import { checkProductRecord } from '../archive/product-record.js';
import { asTai, asUtcUnixMs, type Tai, type UtcUnixMs } from '../time/tai.js';
import { utcToTai } from '../time/utc.js';
import type { ArchiveReader, ArchiveSummary, ApidSummary, PacketQuery, PacketRow, ProductQuery, ProductRecord, ProductRegistry, RowColumns, ScanQuery } from '../archive/port.js';
import { pgError, pgTarget, type PgTarget, type Sql } from './connection.js';
import { openMigrated, PG_SCHEMA_VERSION } from './schema.js';
import { PgSegmentReader } from './segments.js';
import { receivedAt, type Receipts } from '../archive/receipts.js';

const ORIGIN_ROUTE = 16_777_216;
const REPEAT_BIT = 1 << 11;
const CRC_NAME = ['none', 'ok', 'bad'] as const;
/** Rows per page of {@link PgArchiveReader.rows}. */
const PAGE = 8192;
const COLUMNS = 'apid, tkey, seq, meta, obt, ground, dds, origin::float8 AS origin, soff::float8 AS soff, raw::float8 AS raw, len';

interface Row {
  apid: number; tkey: number; seq: number; meta: number; obt: number | null; ground: number | null; dds: number | null;
  origin: number; soff: number; raw: number; len: number;
}

export interface PgReaderOptions {
  /** The shared directory holding the segment files. */
  readonly dir: string;
  readonly schema?: string;
  readonly target?: PgTarget;
}

/**
 * Open the archive in `opts.schema` for reading.
 * @throws InputError when the server cannot be reached or the schema is missing or of another version.
 */
export async function openPgArchiveReader(opts: PgReaderOptions): Promise<PgArchiveReader> {
  return openMigrated(opts.target ?? pgTarget(opts.schema), 2, 'reads', 'cannot open the archive', async (sql, name) => new PgArchiveReader(sql, name, opts.dir));
}

export class PgArchiveReader implements ArchiveReader {
  readonly products: ProductRegistry;
  private readonly segments: PgSegmentReader;
  private routeNames = new Map<number, string>();
  private sourceNames = new Map<number, { feed: string; source: string }>();
  private receipts: Receipts | undefined;

  private closed = false;

  constructor(private readonly sql: Sql, readonly name: string, dir: string) {
    this.segments = new PgSegmentReader(dir);
    this.products = new PgProducts(sql, () => this.check());
  }

  private check(): void {
    if (this.closed) throw new Error(`${this.name}: archive reader closed`);
  }

  async apids(): Promise<number[]> {
    this.check();
    const r = await this.sql.unsafe('SELECT a.apid FROM apid_stats a WHERE EXISTS (SELECT 1 FROM packets p WHERE p.apid = a.apid) ORDER BY a.apid');
    return (r as unknown as { apid: number }[]).map((x) => x.apid);
  }

  private async names(routeId: number, sourceId: number): Promise<void> {
    if (this.routeNames.has(routeId) && this.sourceNames.has(sourceId)) return;
    const routes = await this.sql.unsafe('SELECT id, name FROM routes');
    this.routeNames = new Map((routes as unknown as { id: number; name: string }[]).map((x) => [x.id, x.name]));
    const srcs = await this.sql.unsafe('SELECT id, feed, source FROM sources');
    this.sourceNames = new Map((srcs as unknown as { id: number; feed: string; source: string }[]).map((x) => [x.id, { feed: x.feed, source: x.source }]));
  }

  private async loadReceipts(raw: number): Promise<void> {
    const r = this.receipts;
    if (r && r.raw.length && raw <= r.raw[r.raw.length - 1]!) return;
    const rows = await this.sql.unsafe('SELECT raw::float8 AS raw, received FROM receipts ORDER BY raw');
    const list = rows as unknown as { raw: number; received: number }[];
    this.receipts = { raw: Float64Array.from(list, (x) => x.raw), received: Float64Array.from(list, (x) => x.received) };
  }

  /** Receipt time of the batch a row's octets came with (the last receipt at or before its position). */
  private receivedAt(raw: number): number {
    return this.receipts ? receivedAt(this.receipts, raw) : NaN;
  }

  private async prepare(rows: readonly Row[]): Promise<void> {
    let maxRaw = -1;
    for (const r of rows) {
      if (r.raw > maxRaw) maxRaw = r.raw;
      const routeId = Math.floor(r.origin / ORIGIN_ROUTE);
      if (!this.routeNames.has(routeId) || !this.sourceNames.has(r.origin % ORIGIN_ROUTE)) await this.names(routeId, r.origin % ORIGIN_ROUTE);
    }
    if (maxRaw >= 0) await this.loadReceipts(maxRaw);
  }

  private toRow(r: Row): PacketRow {
    const routeId = Math.floor(r.origin / ORIGIN_ROUTE);
    const src = this.sourceNames.get(r.origin % ORIGIN_ROUTE) ?? { feed: '?', source: '?' };
    const tq = (r.meta >>> 6) & 3;
    const received = this.receivedAt(r.raw);
    return {
      apid: r.apid,
      tai: asTai(r.tkey),
      obt: r.obt ?? (((r.meta >>> 8) & 7) === 1 ? undefined : r.tkey),
      groundUnixMs: r.ground ?? received,
      groundKind: r.dds !== null ? 'dds' : r.ground !== null ? 'pcap' : 'receipt',
      timeStatus: (r.meta >>> 8) & 7,
      repeat: (r.meta & REPEAT_BIT) !== 0,
      sequenceCount: r.seq & 16383,
      sequenceFlags: r.meta & 3,
      type: ((r.meta >>> 4) & 1) as 0 | 1,
      crc: CRC_NAME[(r.meta >>> 2) & 3] ?? 'none',
      receivedUnixMs: received,
      dds: r.dds === null ? undefined : { unixMs: r.ground ?? NaN, groundStation: r.dds >>> 16, virtualChannel: r.dds & 0xffff, timeQuality: tq > 0 ? tq - 1 : 0 },
      route: this.routeNames.get(routeId) ?? '?',
      feed: src.feed,
      source: src.source,
      sourceOffset: r.soff,
      length: r.len,
      arrival: r.raw,
      raw: r.raw,
    };
  }

  /** WHERE clause and parameters of a packet query (APID ranges, window, route). */
  private where(q: PacketQuery, params: unknown[]): string {
    const parts: string[] = [];
    if (q.apids) {
      const ors = q.apids.map(([lo, hi]) => {
        params.push(lo, hi);
        return `(apid BETWEEN $${params.length - 1} AND $${params.length})`;
      });
      parts.push(ors.length ? `(${ors.join(' OR ')})` : 'FALSE');
    }
    if (q.fromTai !== undefined) { params.push(q.fromTai); parts.push(`tkey >= $${params.length}`); }
    if (q.toTai !== undefined) { params.push(q.toTai); parts.push(`tkey < $${params.length}`); }
    if (q.route !== undefined) {
      params.push(q.route);
      parts.push(`origin / ${ORIGIN_ROUTE} = (SELECT id FROM routes WHERE name = $${params.length})`);
    }
    // A bigint bound (not raw compared as float8), so the arrival index (schema.ts ensurePgArrivalIndex) is used.
    if (q.afterArrival !== undefined) { params.push(q.afterArrival); parts.push(`raw > floor($${params.length}::float8)::bigint`); }
    return parts.length ? parts.join(' AND ') : 'TRUE';
  }

  async *rows(q: PacketQuery = {}): AsyncIterable<readonly PacketRow[]> {
    if (q.afterArrival !== undefined) {
      // Rows stored since an arrival: found through the arrival index and sorted once, read through one cursor
      // (keyset pages would find and sort them again for every page).
      this.check();
      const params: unknown[] = [];
      const w = this.where(q, params);
      const pages = this.sql.unsafe(`SELECT ${COLUMNS}, digest FROM packets WHERE ${w} ORDER BY tkey, apid, seq, digest`, params as never[]).cursor(PAGE);
      for await (const page of pages) {
        this.check();
        const list = page as unknown as Row[];
        await this.prepare(list);
        yield list.map((r) => this.toRow(r));
      }
      return;
    }
    // Keyset pagination on (tkey, apid, seq, digest): the order of the SQLite store's merge of per-APID streams.
    let after: [number, number, number, number] | undefined;
    for (;;) {
      this.check();
      const params: unknown[] = [];
      let w = this.where(q, params);
      if (after) {
        params.push(...after);
        const k = params.length;
        w += ` AND (tkey, apid, seq, digest) > ($${k - 3}::float8, $${k - 2}::int, $${k - 1}::int, $${k}::int)`;
      }
      const page = await this.sql.unsafe(`SELECT ${COLUMNS}, digest FROM packets WHERE ${w} ORDER BY tkey, apid, seq, digest LIMIT ${PAGE}`, params as never[]);
      const list = page as unknown as (Row & { digest: number })[];
      if (list.length === 0) return;
      await this.prepare(list);
      yield list.map((r) => this.toRow(r));
      if (list.length < PAGE) return;
      const last = list[list.length - 1]!;
      after = [last.tkey, last.apid, last.seq, last.digest];
    }
  }

  async scan(q: ScanQuery): Promise<RowColumns> {
    this.check();
    // APID by APID in the order asked, each in (time, count) order (port.ts RowColumns).
    const rows = await this.sql.unsafe(`SELECT ${COLUMNS} FROM packets p JOIN unnest($1::int[]) WITH ORDINALITY AS a(apid, k) USING (apid)
      WHERE tkey >= $2 AND tkey < $3 ORDER BY a.k, tkey, seq, digest`, [[...q.apids], q.fromTai, q.toTai]);
    const list = rows as unknown as Row[];
    let maxRaw = -1;
    for (const r of list) if (r.raw > maxRaw) maxRaw = r.raw;
    if (maxRaw >= 0) await this.loadReceipts(maxRaw);
    const n = list.length;
    const c = {
      count: n, apid: new Uint16Array(n), tai: new Float64Array(n), seq: new Uint16Array(n), meta: new Uint16Array(n),
      arrival: new Float64Array(n), received: new Float64Array(n), source: new Int32Array(n), raw: new Float64Array(n),
      length: new Uint32Array(n), dds: new Uint32Array(n),
    };
    for (let i = 0; i < n; i++) {
      const r = list[i]!;
      c.apid[i] = r.apid; c.tai[i] = r.tkey; c.seq[i] = r.seq & 16383; c.meta[i] = r.meta; c.arrival[i] = r.raw;
      c.received[i] = r.ground ?? this.receivedAt(r.raw); c.source[i] = r.origin % ORIGIN_ROUTE; c.raw[i] = r.raw;
      c.length[i] = r.len; c.dds[i] = r.dds ?? 0;
    }
    return c;
  }

  async firstTime(apid: number, fromTai: Tai): Promise<Tai | undefined> {
    this.check();
    const r = await this.sql.unsafe('SELECT tkey FROM packets WHERE apid = $1 AND tkey >= $2 ORDER BY tkey LIMIT 1', [apid, fromTai]);
    const t = (r[0] as unknown as { tkey: number } | undefined)?.tkey;
    return t === undefined ? undefined : asTai(t);
  }

  async lastIngest(): Promise<UtcUnixMs | undefined> {
    this.check();
    const r = await this.sql.unsafe('SELECT MAX(last_ingest_ms) AS t FROM apid_stats');
    const t = (r[0] as unknown as { t: number | null } | undefined)?.t;
    return t === null || t === undefined ? undefined : asUtcUnixMs(t);
  }

  async sources(): Promise<ReadonlyMap<number, string>> {
    this.check();
    const r = await this.sql.unsafe('SELECT id, source FROM sources ORDER BY id');
    return new Map((r as unknown as { id: number; source: string }[]).map((x) => [x.id, x.source]));
  }

  async bytes(rows: readonly PacketRow[]): Promise<Uint8Array[]> {
    this.check();
    return this.segments.views(rows.map((r) => r.raw), rows.map((r) => r.length));
  }

  async scanBytes(cols: RowColumns, order?: Int32Array): Promise<Uint8Array[]> {
    this.check();
    if (!order) return this.segments.views(cols.raw, cols.length, 0, cols.count);
    return this.segments.views(Array.from(order, (i) => cols.raw[i]!), Array.from(order, (i) => cols.length[i]!));
  }

  async status(): Promise<ArchiveSummary> {
    this.check();
    const per = await this.sql.unsafe(`SELECT apid, COUNT(*)::float8 AS packets, SUM(len)::float8 AS bytes, COUNT(*) FILTER (WHERE ((meta >> 8) & 7) = 1)::float8 AS untimed,
        COUNT(*) FILTER (WHERE ((meta >> 8) & 7) <> 0)::float8 AS unsync, MIN(tkey) AS first, MAX(tkey) AS last,
        COUNT(*) FILTER (WHERE ((meta >> 2) & 3) = 2)::float8 AS crc FROM packets GROUP BY apid ORDER BY apid`) as unknown as
      { apid: number; packets: number; bytes: number; untimed: number; unsync: number; first: number | null; last: number | null; crc: number }[];
    const stats = new Map((await this.sql.unsafe('SELECT apid, duplicates::float8 AS duplicates, repeats::float8 AS repeats, last_ingest_ms FROM apid_stats') as unknown as
      { apid: number; duplicates: number; repeats: number; last_ingest_ms: number }[]).map((s) => [s.apid, s]));
    const routeRows = await this.sql.unsafe(`SELECT DISTINCT p.apid, r.name FROM (SELECT DISTINCT apid, origin / ${ORIGIN_ROUTE} AS rid FROM packets) p JOIN routes r ON r.id = p.rid ORDER BY r.name`) as unknown as { apid: number; name: string }[];
    const routesOf = new Map<number, string[]>();
    for (const r of routeRows) (routesOf.get(r.apid) ?? routesOf.set(r.apid, []).get(r.apid)!).push(r.name);
    const apids: ApidSummary[] = per.map((a) => {
      const s = stats.get(a.apid);
      return {
        apid: a.apid, packets: a.packets, bytes: a.bytes, untimed: a.untimed,
        firstTai: a.first === null ? undefined : asTai(a.first), lastTai: a.last === null ? undefined : asTai(a.last),
        duplicates: s?.duplicates ?? 0, repeats: s?.repeats ?? 0, unsynchronised: a.unsync, crcErrors: a.crc,
        lastIngestUnixMs: s?.last_ingest_ms,
        routes: routesOf.get(a.apid) ?? [],
      };
    });
    const cursors = (await this.sql.unsafe('SELECT feed, value, updated_ms FROM cursors ORDER BY feed') as unknown as { feed: string; value: string; updated_ms: number }[])
      .map((c) => ({ feed: c.feed, value: c.value, updatedUnixMs: c.updated_ms }));
    const sum = (f: (a: ApidSummary) => number) => apids.reduce((t, a) => t + f(a), 0);
    return {
      dir: this.name, schemaVersion: PG_SCHEMA_VERSION,
      packets: sum((a) => a.packets), bytes: sum((a) => a.bytes), duplicates: sum((a) => a.duplicates), repeats: sum((a) => a.repeats), crcErrors: sum((a) => a.crcErrors),
      apids, cursors,
    };
  }

  async cursors(): Promise<ReadonlyMap<string, string>> {
    this.check();
    const r = await this.sql.unsafe('SELECT feed, value FROM cursors');
    return new Map((r as unknown as { feed: string; value: string }[]).map((c) => [c.feed, c.value]));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.segments.close();
    await this.sql.end({ timeout: 5 }).catch((e: unknown) => { throw pgError(e, this.name, 'close'); });
  }
}

/** The products registry in table `products` (the record as JSON beside the columns searched on; times as TAI). */
class PgProducts implements ProductRegistry {
  constructor(private readonly sql: Sql, private readonly check: () => void) {}

  async register(p: ProductRecord): Promise<void> {
    this.check();
    checkProductRecord(p);
    await this.sql.unsafe(`INSERT INTO products (lidvid, product_id, version, level, route, start_tai, stop_tai, registered_ms, record)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb)
      ON CONFLICT (lidvid) DO UPDATE SET product_id = excluded.product_id, version = excluded.version, level = excluded.level, route = excluded.route,
        start_tai = excluded.start_tai, stop_tai = excluded.stop_tai, registered_ms = excluded.registered_ms, record = excluded.record`,
    [p.lidvid, p.productId, p.version, p.level, p.route, utcToTai(p.start), utcToTai(p.stop), p.registeredUnixMs, p as never]);
  }

  async get(lidvid: string): Promise<ProductRecord | undefined> {
    this.check();
    const r = await this.sql.unsafe('SELECT record::text AS record FROM products WHERE lidvid = $1', [lidvid]);
    const row = r[0] as unknown as { record: string } | undefined;
    return row ? (JSON.parse(row.record) as ProductRecord) : undefined;
  }

  async list(q: ProductQuery = {}): Promise<ProductRecord[]> {
    this.check();
    const params: unknown[] = [];
    const parts: string[] = [];
    if (q.routes) { params.push([...q.routes]); parts.push(`route = ANY($${params.length}::text[])`); }
    if (q.levels) { params.push([...q.levels]); parts.push(`level = ANY($${params.length}::text[])`); }
    // Overlapping [from, to).
    if (q.from !== undefined) { params.push(utcToTai(q.from)); parts.push(`stop_tai > $${params.length}`); }
    if (q.to !== undefined) { params.push(utcToTai(q.to)); parts.push(`start_tai < $${params.length}`); }
    if (q.latestOnly) parts.push('version = (SELECT MAX(version) FROM products o WHERE o.product_id = products.product_id)');
    const r = await this.sql.unsafe(`SELECT record::text AS record FROM products ${parts.length ? `WHERE ${parts.join(' AND ')}` : ''} ORDER BY route, start_tai, lidvid`, params as never[]);
    return (r as unknown as { record: string }[]).map((x) => JSON.parse(x.record) as ProductRecord);
  }
}
