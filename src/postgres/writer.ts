/**
 * @module The PostgreSQL archive's write side ({@link ArchiveWriter} of src/archive/port.ts): each packed batch
 * in ONE transaction with its feed cursor, deduplicated exactly as the SQLite store does (src/store/README.md
 * "Exactly once": the same key, the same duplicate/repeat rule, `loose` for packets timed by ground time).
 *
 * Per batch: the rows are copied (`COPY … FROM STDIN (FORMAT binary)`, copy-binary.ts) straight into the
 * partitioned index under a savepoint (PostgreSQL routes them to the partitions). When a key is already stored
 * (unique violation) the savepoint is rolled back, the rows are copied into a temporary staging table and
 * `INSERT INTO packets SELECT … FROM stage ORDER BY raw ON CONFLICT DO NOTHING` stores the new ones. Rows that met a stored key (rare: re-deliveries, a second station) are
 * judged one by one against every stored copy with that time, count and digest: the same transmission is a
 * duplicate (not stored), another one a repeat (stored with the next repeat number and the repeat bit). Rows are
 * given octet positions as if every row were new; when some were not, the stored rows' positions are moved to be
 * contiguous, so duplicates take no segment space. The octets are written and fdatasync'd, then the segment's
 * length, its SHA-256 run (fixity), the receipt time, the per-APID counters and the cursor go in, and the
 * transaction commits.
 *
 * Several writers (hosts) may store into one archive at once: each appends to its own segment files; two writers
 * storing the same packet serialise on its key (the second waits for the first's commit, then finds it stored).
 * A deadlock or serialisation failure between writers retries the batch.
 */
import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { InputError } from '../errors.js';
import { CAPTURE_TIME_BIT, I, INTS, PackedBatchBuilder, R, REALS, type PackedBatch } from '../archive/packed-batch.js';
import { DEFAULT_TIME_SETTINGS, type TimeSettings } from '../time/packet-times.js';
import type { ArchiveWriter, FeedCursor, StoreResult } from '../archive/port.js';
import { pgError, pgTarget, type PgTarget, type Sql } from './connection.js';
import { ensurePgArrivalIndex, openMigrated, TIME_SPAN } from './schema.js';
import { DEFAULT_PG_SEGMENT_BYTES, PgSegmentWriter, SEGMENT_SPAN, segmentFile } from './segments.js';
import { BinaryCopy, type PacketRowValues } from './copy-binary.js';

/** `origin` = route id × 2^24 + source id. */
const ORIGIN_ROUTE = 16_777_216;
const REPEAT_BIT = 1 << 11;
const acquiredMeta = (meta: number): boolean => ((meta >>> 6) & 3) !== 0 || (meta & CAPTURE_TIME_BIT) !== 0;
const looseMeta = (meta: number): boolean => ((meta >>> 8) & 7) !== 0;
const RETRIES = 8;
const PACKET_COLUMNS = 'apid, tkey, seq, digest, meta, obt, ground, dds, origin, soff, raw, len';

export interface PgArchiveOptions {
  /** The shared directory for packet octets (segment files) and products. */
  readonly dir: string;
  /** The PostgreSQL schema holding the mission's archive. Default `idoc`. */
  readonly schema?: string;
  /** Connection target; default from the environment ({@link pgTarget}). */
  readonly target?: PgTarget;
  /** Largest segment file, octets. Default 1 GiB. */
  readonly segmentBytes?: number;
  /** fdatasync segment files before each commit. Default true. */
  readonly fsync?: boolean;
  /** The mission's time settings (the duplicate window). */
  readonly time?: TimeSettings;
  /** Create the arrival index when missing (schema.ts {@link ensurePgArrivalIndex}): a config with a decoding route. */
  readonly arrivalIndex?: boolean;
}

interface Copy { seq: number; ground: number; source: number; soff: number; meta: number }

/**
 * Open the archive in schema `opts.schema` for writing.
 * @throws InputError when the server cannot be reached or the schema is not migrated to this idoc's version.
 */
export async function openPgArchiveWriter(opts: PgArchiveOptions): Promise<PgArchiveWriter> {
  const target = opts.target ?? pgTarget(opts.schema);
  return openMigrated(target, 1, 'writes', 'cannot open the archive', async (sql, name) => {
    if (opts.arrivalIndex) await ensurePgArrivalIndex(sql, target.schema);
    await sql.unsafe(`CREATE TEMPORARY TABLE IF NOT EXISTS idoc_stage (
      apid integer NOT NULL, tkey double precision NOT NULL, seq integer NOT NULL, digest integer NOT NULL,
      meta integer NOT NULL, obt double precision, ground double precision, dds integer, origin bigint NOT NULL, soff bigint NOT NULL,
      raw bigint NOT NULL, len integer NOT NULL)`);
    const parts = await sql.unsafe(`SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1`, [target.schema]);
    const w = new PgArchiveWriter(sql, target, name, opts);
    for (const p of parts as unknown as { name: string }[]) w.partitions.add(p.name);
    return w;
  });
}

const partitionName = (apid: number, k: number): string => `packets_a${apid}_t${k < 0 ? `m${-k}` : k}`;


export class PgArchiveWriter implements ArchiveWriter {
  readonly partitions = new Set<string>();
  private readonly routeIds = new Map<string, number>();
  private readonly sourceIds = new Map<string, number>();
  private readonly pool: PackedBatchBuilder[] = [];
  private readonly segments: PgSegmentWriter;
  private readonly windowMs: number;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly sql: Sql, readonly target: PgTarget, readonly name: string, opts: PgArchiveOptions) {
    this.segments = new PgSegmentWriter(opts.dir, opts.segmentBytes ?? DEFAULT_PG_SEGMENT_BYTES, opts.fsync ?? true);
    this.windowMs = (opts.time ?? DEFAULT_TIME_SETTINGS).duplicateWindowSeconds * 1000;
  }

  batch(): PackedBatchBuilder {
    return this.pool.pop() ?? new PackedBatchBuilder();
  }

  /** Batches are stored one at a time, in the order handed over. */
  store(builder: PackedBatchBuilder, cursor?: FeedCursor): Promise<StoreResult> {
    const run = this.chain.then(() => this.storeRetrying(builder.seal(), cursor));
    this.chain = run.catch(() => undefined);
    return run.finally(() => {
      builder.reset();
      this.pool.push(builder);
    });
  }

  /** Store an already sealed batch (the bus consumer's path). */
  storePacked(batch: PackedBatch, cursor?: FeedCursor): Promise<StoreResult> {
    const run = this.chain.then(() => this.storeRetrying(batch, cursor));
    this.chain = run.catch(() => undefined);
    return run;
  }

  async cursor(feed: string): Promise<string | undefined> {
    const r = await this.sql.unsafe('SELECT value FROM cursors WHERE feed = $1', [feed]);
    return (r[0] as { value: string } | undefined)?.value;
  }

  /** Every feed's saved cursor. */
  async cursors(): Promise<Map<string, string>> {
    const r = await this.sql.unsafe('SELECT feed, value FROM cursors');
    return new Map((r as unknown as { feed: string; value: string }[]).map((c) => [c.feed, c.value]));
  }

  async close(): Promise<void> {
    await this.chain;
    this.segments.close();
    await this.sql.end({ timeout: 5 });
  }

  private async storeRetrying(b: PackedBatch, cursor: FeedCursor | undefined): Promise<StoreResult> {
    if (b.count === 0 && !cursor) return { stored: 0, duplicates: 0, repeats: 0 };
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.storeOnce(b, cursor);
      } catch (e) {
        const code = (e as { code?: unknown })?.code;
        // 40P01 deadlock, 40001 serialisation failure: another writer's transaction; try again.
        if ((code === '40P01' || code === '40001') && attempt < RETRIES) continue;
        if (e instanceof InputError) throw e;
        if (code === '53100' || code === 'ENOSPC') throw new InputError(`${this.name}: archive disk full (${String(code)}): the batch and its cursor were not stored`, [], { cause: e });
        throw pgError(e, this.name, 'archive write failed; the batch was not stored');
      }
    }
  }

  /** Create the APID and time partitions the batch needs (committed before the batch; empty ones are harmless). */
  private async ensurePartitions(b: PackedBatch): Promise<void> {
    const need = new Map<string, [number, number]>();
    for (let i = 0; i < b.count; i++) {
      const apid = b.ints[i * INTS + I.apid]!;
      const k = Math.floor(b.reals[i * REALS + R.tai]! / TIME_SPAN);
      const name = partitionName(apid, k);
      if (!this.partitions.has(name)) need.set(name, [apid, k]);
    }
    if (need.size === 0) return;
    await this.sql.begin(async (tx) => {
      await tx.unsafe('SELECT pg_advisory_xact_lock(hashtext($1))', [`idoc.partitions.${this.target.schema}`]);
      for (const [name, [apid, k]] of need) {
        await tx.unsafe(`CREATE TABLE IF NOT EXISTS packets_a${apid} PARTITION OF packets FOR VALUES IN (${apid}) PARTITION BY RANGE (tkey)`);
        await tx.unsafe(`CREATE TABLE IF NOT EXISTS ${name} PARTITION OF packets_a${apid} FOR VALUES FROM (${k * TIME_SPAN}) TO (${(k + 1) * TIME_SPAN})`);
      }
    });
    for (const n of need.keys()) this.partitions.add(n);
  }

  /** Ids of the batch's routes and sources (names committed on their own: harmless when the batch fails). */
  private async ids(b: PackedBatch): Promise<{ routes: number[]; sources: number[] }> {
    const newRoutes = b.routes.filter((r) => !this.routeIds.has(r));
    if (newRoutes.length) {
      await this.sql.unsafe('INSERT INTO routes (name) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING', [newRoutes]);
      for (const r of await this.sql.unsafe('SELECT id, name FROM routes WHERE name = ANY($1::text[])', [newRoutes]) as unknown as { id: number; name: string }[]) this.routeIds.set(r.name, r.id);
    }
    const key = (s: { feed: string; source: string }) => `${s.feed}\u0000${s.source}`;
    const newSources = b.sources.filter((s) => !this.sourceIds.has(key(s)));
    if (newSources.length) {
      const feeds = newSources.map((s) => s.feed);
      const srcs = newSources.map((s) => s.source);
      await this.sql.unsafe('INSERT INTO sources (feed, source) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING', [feeds, srcs]);
      const rows = await this.sql.unsafe('SELECT s.id, s.feed, s.source FROM sources s JOIN unnest($1::text[], $2::text[]) AS u(feed, source) ON s.feed = u.feed AND s.source = u.source', [feeds, srcs]);
      for (const r of rows as unknown as { id: number; feed: string; source: string }[]) this.sourceIds.set(key(r), r.id);
    }
    return { routes: b.routes.map((r) => this.routeIds.get(r)!), sources: b.sources.map((s) => this.sourceIds.get(key(s))!) };
  }

  private async segmentFor(bytes: number): Promise<void> {
    if (this.segments.fits(bytes)) return;
    const id = Number((await this.sql.unsafe("SELECT nextval(pg_get_serial_sequence('segments', 'id'))::float8 AS id"))[0]!['id']);
    await this.sql.unsafe('INSERT INTO segments (id, file, length) VALUES ($1, $2, 0)', [id, segmentFile(id)]);
    this.segments.start(id);
  }

  /**
   * The same transmission? (src/store/archive.ts `sameTransmission`, the rule of src/store/README.md): the same
   * source and offset; a synchronised on-board time unless both copies have acquisition times further apart than
   * the window; else ground times within the window.
   */
  private same(c: { ground: number; source: number; soff: number; meta: number }, source: number, soff: number, meta: number, g: number): boolean {
    if (c.source === source && c.soff === soff) return true;
    if (((meta >>> 8) & 7) === 0 && !(acquiredMeta(c.meta) && acquiredMeta(meta))) return true;
    return Math.abs(c.ground - g) <= this.windowMs;
  }

  /** The octets of the batch being stored, on their way to the segment file (awaited before the next batch). */
  private writing: Promise<void> | undefined;

  private async storeOnce(b: PackedBatch, cursor: FeedCursor | undefined): Promise<StoreResult> {
    await this.writing?.catch(() => undefined);
    this.writing = undefined;
    const n = b.count;
    await this.ensurePartitions(b);
    const { routes, sources } = await this.ids(b);
    await this.segmentFor(b.bytes);
    const v = b.ints;
    const r = b.reals;
    const segId = this.segments.id;
    const base = segId * SEGMENT_SPAN + this.segments.length;
    const off = new Float64Array(n + 1); // octet offset of packet i in b.octets
    for (let i = 0; i < n; i++) off[i + 1] = off[i]! + v[i * INTS + I.len]!;
    const sourceOf = (i: number) => sources[v[i * INTS + I.source]!]!;
    const originOf = (i: number) => routes[v[i * INTS + I.route]!]! * ORIGIN_ROUTE + sourceOf(i);
    const metaOf = (i: number) => v[i * INTS + I.meta]!;

    return this.sql.begin(async (tx) => {
      // 0 new, 1 duplicate, 2 repeat (stored).
      const verdict = new Uint8Array(n);
      const meta = new Int32Array(n);
      for (let i = 0; i < n; i++) meta[i] = metaOf(i);
      // Packets timed by ground time: their copies are found through `loose` (their key's time differs per copy).
      const looseIx: number[] = [];
      for (let i = 0; i < n; i++) if (looseMeta(meta[i]!)) looseIx.push(i);
      if (looseIx.length) {
        const known = new Map<string, Copy[]>();
        const kOf = (apid: number, seq: number, digest: number) => `${apid}/${seq}/${digest}`;
        const found = await tx.unsafe(`SELECT l.apid, l.seq, l.digest, l.ground, l.source, l.soff::float8 AS soff FROM loose l
          JOIN (SELECT DISTINCT * FROM unnest($1::int[], $2::int[], $3::int[]) AS u(apid, seq, digest)) u ON l.apid = u.apid AND l.seq = u.seq AND l.digest = u.digest`,
        [looseIx.map((i) => v[i * INTS + I.apid]!), looseIx.map((i) => v[i * INTS + I.seq]! & 16383), looseIx.map((i) => v[i * INTS + I.digest]!)]);
        for (const c of found as unknown as { apid: number; seq: number; digest: number; ground: number; source: number; soff: number }[]) {
          const k = kOf(c.apid, c.seq, c.digest);
          (known.get(k) ?? known.set(k, []).get(k)!).push({ seq: c.seq, ground: c.ground, source: c.source, soff: c.soff, meta: 0 });
        }
        for (const i of looseIx) {
          const k = kOf(v[i * INTS + I.apid]!, v[i * INTS + I.seq]! & 16383, v[i * INTS + I.digest]!);
          const copies = known.get(k);
          const g = r[i * REALS + R.ground]!;
          let vd = 0;
          for (const c of copies ?? []) {
            if (this.same(c, sourceOf(i), r[i * REALS + R.soff]!, meta[i]!, g)) { vd = 1; break; }
            vd = 2;
          }
          verdict[i] = vd;
          if (vd === 2) meta[i] = meta[i]! | REPEAT_BIT;
          if (vd !== 1) (copies ?? known.set(k, []).get(k)!).push({ seq: 0, ground: g, source: sourceOf(i), soff: r[i * REALS + R.soff]!, meta: 0 });
        }
      }
      // Tentative positions: every row not yet known to be a duplicate, back to back.
      const pos = new Float64Array(n);
      let p = base;
      let staged = 0;
      const lines = new BinaryCopy(n);
      const one: PacketRowValues = { apid: 0, tkey: 0, seq: 0, digest: 0, meta: 0, obt: null, ground: null, dds: null, origin: 0, soff: 0, raw: 0, len: 0 };
      const row = (into: BinaryCopy, i: number, seq: number, m: number, raw: number): void => {
        const q = i * REALS;
        const f = i * INTS;
        const obt = r[q + R.obt]!;
        const dds = v[f + I.dds]!;
        one.apid = v[f + I.apid]!;
        one.tkey = r[q + R.tai]!;
        one.seq = seq;
        one.digest = v[f + I.digest]!;
        one.meta = m;
        // NULL when it equals the key's time (most packets), as in the SQLite store.
        one.obt = obt === obt && obt !== one.tkey ? obt : null;
        one.ground = dds >= 0 || (m & CAPTURE_TIME_BIT) !== 0 ? r[q + R.ground]! : null;
        one.dds = dds >= 0 ? dds : null;
        one.origin = originOf(i);
        one.soff = r[q + R.soff]!;
        one.raw = raw;
        one.len = v[f + I.len]!;
        into.add(one);
      };
      for (let i = 0; i < n; i++) {
        if (verdict[i] === 1) continue;
        pos[i] = p;
        p += v[i * INTS + I.len]!;
        row(lines, i, v[i * INTS + I.seq]!, meta[i]!, pos[i]!);
        staged++;
      }
      const data = lines.finish();
      // Queries without a result the batch needs are pipelined and awaited before the commit.
      const pending: Promise<unknown>[] = [];
      const later = (q: Promise<unknown>): void => {
        q.catch(() => undefined); // surfaced by Promise.all below; no unhandled rejection meanwhile
        pending.push(q);
      };
      if (n > 0) later(tx.unsafe('INSERT INTO receipts (raw, received) VALUES ($1, $2) ON CONFLICT (raw) DO UPDATE SET received = excluded.received', [base, b.receivedUnixMs]).execute());
      // Every octet in arrival order, written and fdatasync'd on the thread pool while the rows go in (nearly
      // always the layout stored); written again, packed, below when some packets were duplicates.
      const early = staged === n && n > 0 ? this.segments.writeAsync(b.octets.subarray(0, b.bytes)) : undefined;
      early?.catch(() => undefined);
      this.writing = early;
      let inserted = 0;
      let conflict = false;
      if (staged) {
        // Fast path: COPY straight into the partitioned index (no duplicates: nearly every batch). A stored key
        // (unique violation, 23505) rolls the savepoint back and the batch goes through the staging table.
        try {
          await tx.savepoint(async (sp) => {
            const copy = await sp.unsafe(`COPY packets (${PACKET_COLUMNS}) FROM STDIN (FORMAT binary)`).writable();
            await writeAll(copy, data);
          });
          inserted = staged;
        } catch (e) {
          if ((e as { code?: unknown })?.code !== '23505') throw e;
          conflict = true;
        }
      }
      if (conflict) {
        await tx.unsafe('DELETE FROM idoc_stage');
        const copy = await tx.unsafe('COPY idoc_stage FROM STDIN (FORMAT binary)').writable();
        await writeAll(copy, data);
        const ins = await tx.unsafe(`INSERT INTO packets (${PACKET_COLUMNS}) SELECT ${PACKET_COLUMNS} FROM idoc_stage ORDER BY raw ON CONFLICT DO NOTHING`);
        inserted = ins.count;
      }
      if (inserted < staged) {
        // Rows that met a stored key: each judged against every stored copy with its time, count and digest.
        const missed = await tx.unsafe(`SELECT s.raw::float8 AS raw FROM idoc_stage s WHERE NOT EXISTS (SELECT 1 FROM packets p
          WHERE p.apid = s.apid AND p.tkey = s.tkey AND p.seq = s.seq AND p.digest = s.digest AND p.raw = s.raw) ORDER BY s.raw`);
        const iAt = new Map<number, number>();
        for (let i = 0; i < n; i++) if (verdict[i] !== 1) iAt.set(pos[i]!, i);
        const ix = (missed as unknown as { raw: number }[]).map((x) => iAt.get(x.raw)!);
        for (const i of ix) verdict[i] = 1;
        const copies = await tx.unsafe(`SELECT s.raw::float8 AS sraw, p.seq, COALESCE(p.ground, (SELECT received FROM receipts c WHERE c.raw <= p.raw ORDER BY c.raw DESC LIMIT 1)) AS ground,
            (p.origin % ${ORIGIN_ROUTE})::int AS source, p.soff::float8 AS soff, p.meta
          FROM idoc_stage s JOIN packets p ON p.apid = s.apid AND p.tkey = s.tkey AND p.digest = s.digest AND (p.seq & 16383) = s.seq
          WHERE s.raw = ANY($1::bigint[])`, [ix.map((i) => String(pos[i]))]);
        const byKey = new Map<string, Copy[]>();
        const keyOf = (i: number) => `${v[i * INTS + I.apid]}/${r[i * REALS + R.tai]}/${v[i * INTS + I.seq]}/${v[i * INTS + I.digest]}`;
        const seenI = new Set<string>();
        for (const c of copies as unknown as ({ sraw: number } & Copy)[]) {
          const k = keyOf(iAt.get(c.sraw)!);
          const list = byKey.get(k) ?? byKey.set(k, []).get(k)!;
          const id = `${c.seq}/${c.source}/${c.soff}/${c.ground}`;
          if (seenI.has(`${k}#${id}`)) continue; // the same stored copy, joined once per staged row with its key
          seenI.add(`${k}#${id}`);
          list.push({ seq: c.seq, ground: c.ground, source: c.source, soff: c.soff, meta: c.meta });
        }
        const repeats = new BinaryCopy(ix.length);
        for (const i of ix) {
          const k = keyOf(i);
          const list = byKey.get(k) ?? byKey.set(k, []).get(k)!;
          const g = r[i * REALS + R.ground]!;
          let rep = 0;
          let dup = false;
          for (const c of list) {
            if (this.same(c, sourceOf(i), r[i * REALS + R.soff]!, meta[i]!, g)) { dup = true; break; }
            rep = Math.max(rep, (c.seq >>> 14) + 1);
          }
          if (dup) continue;
          verdict[i] = 2;
          const m = meta[i]! | REPEAT_BIT;
          meta[i] = m;
          const seq = (v[i * INTS + I.seq]! & 16383) | (rep << 14);
          row(repeats, i, seq, m, pos[i]!);
          list.push({ seq, ground: g, source: sourceOf(i), soff: r[i * REALS + R.soff]!, meta: m });
        }
        if (repeats.rows) {
          await tx.unsafe('DELETE FROM idoc_stage');
          const copy = await tx.unsafe('COPY idoc_stage FROM STDIN (FORMAT binary)').writable();
          await writeAll(copy, repeats.finish());
          await tx.unsafe(`INSERT INTO packets (${PACKET_COLUMNS}) SELECT ${PACKET_COLUMNS} FROM idoc_stage ORDER BY raw`);
        }
      }
      // Stored rows: contiguous positions in arrival order; octets packed the same way.
      let used = 0;
      let moved = false;
      const moveOld: number[] = [];
      const moveNew: number[] = [];
      const moveApid: number[] = [];
      const moveTai: number[] = [];
      let stored = 0;
      let repeatsN = 0;
      const dup = new Int32Array(2048);
      const rep = new Int32Array(2048);
      const touched = new Set<number>();
      let packed: Uint8Array = b.octets;
      for (let i = 0; i < n; i++) {
        const apid = v[i * INTS + I.apid]!;
        touched.add(apid);
        if (verdict[i] === 1) {
          dup[apid]!++;
          moved = true;
          continue;
        }
        stored++;
        if (verdict[i] === 2) { repeatsN++; rep[apid]!++; }
        const len = v[i * INTS + I.len]!;
        if (moved) {
          if (packed === b.octets) packed = b.octets.slice(0, b.bytes);
          packed.copyWithin(used, off[i]!, off[i]! + len);
          if (pos[i] !== base + used) {
            moveOld.push(pos[i]!); moveNew.push(base + used); moveApid.push(apid); moveTai.push(r[i * REALS + R.tai]!);
          }
        }
        used += len;
      }
      if (moveOld.length) {
        await tx.unsafe(`UPDATE packets p SET raw = u.nraw FROM unnest($1::int[], $2::float8[], $3::bigint[], $4::bigint[]) AS u(apid, tkey, oraw, nraw)
          WHERE p.apid = u.apid AND p.tkey = u.tkey AND p.raw = u.oraw`, [moveApid, moveTai, moveOld.map(String), moveNew.map(String)]);
      }
      // Loose copies of the stored packets timed by ground time.
      const la: number[] = [], ls: number[] = [], ld: number[] = [], lg: number[] = [], lsrc: number[] = [], lo: number[] = [];
      for (const i of looseIx) {
        if (verdict[i] === 1) continue;
        la.push(v[i * INTS + I.apid]!); ls.push(v[i * INTS + I.seq]! & 16383); ld.push(v[i * INTS + I.digest]!);
        lg.push(r[i * REALS + R.ground]!); lsrc.push(sourceOf(i)); lo.push(r[i * REALS + R.soff]!);
      }
      if (la.length) {
        await tx.unsafe('INSERT INTO loose (apid, seq, digest, ground, source, soff) SELECT * FROM unnest($1::int[], $2::int[], $3::int[], $4::float8[], $5::int[], $6::bigint[]) ON CONFLICT DO NOTHING',
          [la, ls, ld, lg, lsrc, lo.map(String)]);
      }
      if (used > 0) {
        const bytes = packed.subarray(0, used);
        if (early) await early;
        if (!early || packed !== b.octets || used !== b.bytes) this.segments.write(bytes);
        later(tx.unsafe('UPDATE segments SET length = $2 WHERE id = $1', [segId, this.segments.length + used]).execute());
        later(tx.unsafe('INSERT INTO segment_fixity (segment, off, length, sha256) VALUES ($1, $2, $3, $4) ON CONFLICT (segment, off) DO UPDATE SET length = excluded.length, sha256 = excluded.sha256',
          [segId, this.segments.length, used, createHash('sha256').update(bytes).digest()]).execute());
      } else if (early) await early;
      const sa: number[] = [], sd: number[] = [], sr: number[] = [];
      let perApid: Int32Array | undefined;
      const withCopies: number[] = [];
      for (const a of touched) {
        sa.push(a); sd.push(dup[a]!); sr.push(rep[a]!);
        if (dup[a] || rep[a]) withCopies.push(a);
      }
      if (sa.length) {
        later(tx.unsafe(`INSERT INTO apid_stats (apid, duplicates, repeats, last_ingest_ms) SELECT a, d, r, $4 FROM unnest($1::int[], $2::int[], $3::int[]) AS u(a, d, r)
          ON CONFLICT (apid) DO UPDATE SET duplicates = apid_stats.duplicates + excluded.duplicates, repeats = apid_stats.repeats + excluded.repeats,
          last_ingest_ms = GREATEST(apid_stats.last_ingest_ms, excluded.last_ingest_ms)`, [sa, sd, sr, b.receivedUnixMs]).execute());
      }
      if (cursor) {
        later(tx.unsafe(`INSERT INTO cursors (feed, value, updated_ms) VALUES ($1, $2, $3)
          ON CONFLICT (feed) DO UPDATE SET value = excluded.value, updated_ms = excluded.updated_ms`, [cursor.feed, cursor.value, Date.now()]).execute());
      }
      await Promise.all(pending);
      if (withCopies.length) {
        withCopies.sort((x, y) => x - y);
        perApid = new Int32Array(withCopies.length * 3);
        withCopies.forEach((a, k) => { perApid![k * 3] = a; perApid![k * 3 + 1] = dup[a]!; perApid![k * 3 + 2] = rep[a]!; });
      }
      return { used, result: perApid ? { stored, duplicates: n - stored, repeats: repeatsN, perApid } : { stored, duplicates: n - stored, repeats: repeatsN } };
    }).then(({ used, result }) => {
      this.segments.committed(used);
      return result;
    });
  }
}

/**
 * Write COPY data in chunks of 256 KiB (with back-pressure) and end the stream. The server may refuse the COPY
 * while chunks are still being written (a unique violation, 23505, on an early row): the error is listened for
 * from the first chunk on, so it rejects here (and the caller's savepoint falls back) instead of being an
 * unhandled 'error' event, or a wait for a 'drain' that never comes.
 */
async function writeAll(stream: Writable, data: Uint8Array): Promise<void> {
  const CHUNK = 256 * 1024;
  let failed: Error | undefined;
  let wake: (() => void) | undefined;
  // Left attached: an error the stream emits after this function gave up is the same refusal, already reported.
  stream.on('error', (e: Error) => {
    failed ??= e;
    wake?.();
  });
  for (let k = 0; k < data.length && !failed; k += CHUNK) {
    if (!stream.write(data.subarray(k, Math.min(data.length, k + CHUNK)))) {
      await new Promise<void>((res) => {
        wake = res;
        stream.once('drain', res);
      });
      wake = undefined;
    }
  }
  if (failed) throw failed;
  await new Promise<void>((res, rej) => {
    wake = () => rej(failed);
    stream.once('finish', res);
    stream.end();
  });
}
