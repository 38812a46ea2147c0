/**
 * @module The parameter archive: decoded values (raw and engineering) per parameter over time, in a SQLite file
 * beside the packet archive (`<archive dir>/parameters.sqlite`), stored column-wise in chunks. A chunk is the
 * samples of one parameter from one batch of decoded packets (at most one batch is held in memory): its time
 * range (TAI seconds, indexed by parameter and start) and typed-array blobs of times, raw values, engineering
 * numbers and a state octet per sample (validity | limit << 2); texts (enumeration labels, strings, octets in
 * hex, arrays) as JSON arrays. A query reads the chunks that overlap the range and cuts them to it.
 *
 * Samples whose packet has no time (and no time parameter is chosen) are stored with time NaN: they are read
 * only by a query without `from`/`to`, before the timed ones.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Parameter, ParameterType } from '../../src/mdb/types.js';
import { utcToTai } from '../../src/time/index.js';
import { Validity, type Column, type ContainerTable, type Decoder } from './compile.js';
import { epochSecondsToTai, rawAt, valueText } from './format.js';

export const PARAMETER_ARCHIVE_FILE = 'parameters.sqlite';
/** Version of the file's layout (the `meta` table); a newer file is refused. */
export const PARAMETER_ARCHIVE_VERSION = 1;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS parameter (
  id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, description TEXT, type TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS chunk (
  id INTEGER PRIMARY KEY, parameter INTEGER NOT NULL REFERENCES parameter(id), container TEXT NOT NULL,
  t0 REAL, t1 REAL, n INTEGER NOT NULL, tai BLOB NOT NULL, apid BLOB NOT NULL, raw BLOB, eng BLOB,
  raw_text TEXT, eng_text TEXT, state BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS chunk_by_time ON chunk (parameter, t0);
CREATE TABLE IF NOT EXISTS source (key TEXT PRIMARY KEY, name TEXT NOT NULL, loaded_utc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS ingest_mark (route TEXT PRIMARY KEY, arrival INTEGER NOT NULL);
`;

/** How a sample's time is found: the packet time, or a parameter of the same packet (an on-board clock). */
export interface SampleTime {
  /** The parameter holding the time: an absolute-time parameter, or seconds counted from `epoch`. */
  readonly parameter: string;
  /** UTC ISO-8601 epoch of a plain seconds counter (e.g. IMAP's SHCOARSE counts from 2010-01-01T00:00:00Z). */
  readonly epoch?: string;
}

const blob = (a: Float64Array | Uint8Array | Uint16Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

function openDb(file: string, readonly: boolean): Database.Database {
  const db = readonly ? new Database(file, { readonly: true, fileMustExist: true }) : new Database(file);
  if (!readonly) {
    db.pragma('journal_mode = WAL');
    db.exec(SCHEMA);
    const v = db.prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'version'").get();
    if (!v) db.prepare("INSERT INTO meta (key, value) VALUES ('version', ?)").run(String(PARAMETER_ARCHIVE_VERSION));
  }
  const v = db.prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'version'").get();
  if (!v || Number(v.value) > PARAMETER_ARCHIVE_VERSION) {
    db.close();
    throw new Error(`${file}: parameter archive version ${v?.value ?? '(none)'} is not one this idoc reads (${PARAMETER_ARCHIVE_VERSION})`);
  }
  return db;
}

/** A content key of an input file (SHA-256), so that loading the same file twice is noticed. */
export function fileKey(file: string): string {
  const h = createHash('sha256');
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      h.update(buf.subarray(0, n));
    }
  } finally {
    fs.closeSync(fd);
  }
  return `sha256:${h.digest('hex')}`;
}

/** Writes decoded tables into a parameter archive. */
export class ParameterArchiveWriter {
  private readonly db: Database.Database;
  private readonly ids = new Map<string, number>();
  private readonly insertChunk: Database.Statement;
  samples = 0;
  chunks = 0;

  /**
   * Open (creating) the parameter archive in `dir`. `fresh`: start an empty file at a temporary name, which
   * {@link close} renames over the old one (a rebuild never leaves a half-written archive).
   */
  constructor(readonly dir: string, readonly fresh = false) {
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, PARAMETER_ARCHIVE_FILE);
    this.target = file;
    this.file = fresh ? `${file}.${process.pid}.tmp` : file;
    if (fresh) fs.rmSync(this.file, { force: true });
    this.db = openDb(this.file, false);
    if (fresh) this.db.pragma('journal_mode = DELETE');
    this.insertChunk = this.db.prepare(
      'INSERT INTO chunk (parameter, container, t0, t1, n, tai, apid, raw, eng, raw_text, eng_text, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
  }
  private readonly target: string;
  private readonly file: string;

  /** Whether a source (a file's content key) was loaded before. */
  loaded(key: string): boolean {
    return this.db.prepare('SELECT 1 FROM source WHERE key = ?').get(key) !== undefined;
  }

  /** The last packet-archive arrival decoded from `route` (−1: none), so decoding after ingest takes each packet once. */
  arrivalMark(route: string): number {
    return this.db.prepare<[string], { arrival: number }>('SELECT arrival FROM ingest_mark WHERE route = ?').get(route)?.arrival ?? -1;
  }

  setArrivalMark(route: string, arrival: number): void {
    this.db.prepare('INSERT INTO ingest_mark (route, arrival) VALUES (?, ?) ON CONFLICT(route) DO UPDATE SET arrival = MAX(arrival, excluded.arrival)').run(route, arrival);
  }

  markLoaded(key: string, name: string): void {
    this.db.prepare('INSERT OR REPLACE INTO source (key, name, loaded_utc) VALUES (?, ?, ?)').run(key, name, new Date().toISOString());
  }

  private idOf(p: Parameter, type: ParameterType): number {
    let id = this.ids.get(p.name);
    if (id !== undefined) return id;
    const typeJson = JSON.stringify(type);
    this.db.prepare('INSERT INTO parameter (name, description, type) VALUES (?, ?, ?) ON CONFLICT(name) DO UPDATE SET description = excluded.description, type = excluded.type')
      .run(p.name, p.description ?? null, typeJson);
    id = this.db.prepare<[string], { id: number }>('SELECT id FROM parameter WHERE name = ?').get(p.name)!.id;
    this.ids.set(p.name, id);
    return id;
  }

  /**
   * Store the rows the decoder holds (one chunk per column with samples), in one transaction.
   * @throws Error when `time` names a parameter the decoder does not know.
   */
  addDecoded(decoder: Decoder, time?: SampleTime): void {
    const timeField = time ? decoder.byName.get(time.parameter) : undefined;
    if (time && !timeField) throw new Error(`time parameter "${time.parameter}" is not defined`);
    const epochTai = time?.epoch !== undefined ? utcToTai(time.epoch) : undefined;
    this.db.transaction(() => {
      for (const t of decoder.tables()) {
        if (t.rows === 0) continue;
        const times = this.timesOf(decoder, t, timeField?.parameter.name, epochTai);
        for (const c of t.columns) this.addColumn(decoder, t, c, times);
      }
    })();
  }

  private timesOf(decoder: Decoder, t: ContainerTable, timeParam: string | undefined, epochTai: number | undefined): Float64Array {
    const out = t.tai.slice(0, t.rows);
    const c = timeParam !== undefined ? t.columns.find((x) => x.field.parameter.name === timeParam) : undefined;
    if (!c) return out;
    const type = c.field.type;
    for (let r = 0; r < t.rows; r++) {
      const v = decoder.engineering(c, r);
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        out[r] = NaN;
        continue;
      }
      if (type.kind === 'absoluteTime' && type.time) out[r] = epochSecondsToTai(v, type.time.epoch);
      else out[r] = epochTai !== undefined ? epochTai + v : NaN;
    }
    return out;
  }

  private addColumn(decoder: Decoder, t: ContainerTable, c: Column, times: Float64Array): void {
    const rows: number[] = [];
    for (let r = 0; r < t.rows; r++) if (c.validity[r] !== Validity.absent) rows.push(r);
    const n = rows.length;
    if (n === 0) return;
    const tai = new Float64Array(n);
    const apid = new Uint16Array(n);
    const state = new Uint8Array(n);
    const f = c.field;
    const kind = f.type.kind;
    const numericRaw = c.raw instanceof Float64Array;
    const raw = numericRaw ? new Float64Array(n) : undefined;
    const rawText: string[] | undefined = numericRaw ? undefined : [];
    // Engineering numbers where they differ from raw (calibrated, absolute times), texts where they are texts.
    const engNumeric = c.eng !== undefined || (kind === 'absoluteTime' && numericRaw);
    // Texts: labels, arrays, and the occurrences of a repeated (MIB VPD group) parameter that is calibrated or a time.
    const calibratedType = f.type.calibrator !== undefined || (f.type.contextCalibrators?.length ?? 0) > 0;
    const engTextual = !engNumeric && (kind === 'enumerated' || kind === 'boolean' || kind === 'array' || (!numericRaw && (calibratedType || kind === 'absoluteTime')));
    const eng = engNumeric ? new Float64Array(n) : undefined;
    const engText: (string | null)[] | undefined = engTextual ? [] : undefined;
    let t0 = Infinity;
    let t1 = -Infinity;
    for (let k = 0; k < n; k++) {
      const r = rows[k]!;
      const time = times[r]!;
      tai[k] = time;
      if (time < t0) t0 = time;
      if (time > t1) t1 = time;
      apid[k] = t.apid[r]!;
      state[k] = c.validity[r]! | (c.limit[r]! << 2);
      if (raw) raw[k] = (c.raw as Float64Array)[r]!;
      else rawText!.push(valueText(rawAt(c, r)));
      if (eng || engText) {
        const v = decoder.engineering(c, r);
        if (eng) eng[k] = typeof v === 'number' ? v : NaN;
        else engText!.push(v === undefined ? null : valueText(v));
      }
    }
    const id = this.idOf(f.parameter, f.type);
    this.insertChunk.run(
      id, t.container.name, Number.isFinite(t0) ? t0 : null, Number.isFinite(t1) ? t1 : null, n,
      blob(tai), blob(apid), raw ? blob(raw) : null, eng ? blob(eng) : null,
      rawText ? JSON.stringify(rawText) : null, engText ? JSON.stringify(engText) : null, blob(state),
    );
    this.samples += n;
    this.chunks++;
  }

  close(): void {
    this.db.close();
    if (this.file !== this.target) {
      for (const ext of ['-wal', '-shm']) fs.rmSync(this.target + ext, { force: true });
      fs.renameSync(this.file, this.target);
    }
  }

  /** Drop the temporary file of a fresh archive (after an error). */
  abort(): void {
    this.db.close();
    if (this.file !== this.target) fs.rmSync(this.file, { force: true });
  }
}

/** A parameter as the archive knows it. */
export interface ArchivedParameter {
  readonly name: string;
  readonly description: string | undefined;
  readonly type: ParameterType;
}

/** The samples of one parameter, in time order, column by column. */
export interface ParameterSeries {
  readonly parameter: ArchivedParameter;
  /** TAI seconds (NaN: the packet had no time). */
  readonly tai: Float64Array;
  readonly apid: Uint16Array;
  /** Raw numbers, or texts (strings, octets in hex, arrays). */
  readonly raw: Float64Array | readonly string[];
  /** Engineering: numbers (calibrated, absolute-time seconds from the type's epoch) or texts; else = raw. */
  readonly eng: Float64Array | readonly (string | null)[] | undefined;
  /** validity | limit << 2 per sample. */
  readonly state: Uint8Array;
  readonly length: number;
}

/** One stored chunk as read. */
export interface ChunkRow {
  t0: number | null;
  t1: number | null;
  n: number;
  tai: Buffer;
  apid: Buffer;
  raw: Buffer | null;
  eng: Buffer | null;
  raw_text: string | null;
  eng_text: string | null;
  state: Buffer;
}

const f64 = (b: Buffer): Float64Array => {
  const copy = new Uint8Array(b.byteLength);
  copy.set(b);
  return new Float64Array(copy.buffer);
};
const u16 = (b: Buffer): Uint16Array => {
  const copy = new Uint8Array(b.byteLength);
  copy.set(b);
  return new Uint16Array(copy.buffer);
};

/** Reads a parameter archive. */
export class ParameterArchiveReader {
  private readonly db: Database.Database;

  /** @throws Error when `dir` holds no parameter archive. */
  constructor(readonly dir: string) {
    const file = path.join(dir, PARAMETER_ARCHIVE_FILE);
    if (!fs.existsSync(file)) throw new Error(`${dir}: no parameter archive (${PARAMETER_ARCHIVE_FILE}); fill it with idoc tm archive`);
    this.db = openDb(file, true);
  }

  parameters(): ArchivedParameter[] {
    return this.db.prepare<[], { name: string; description: string | null; type: string }>('SELECT name, description, type FROM parameter ORDER BY name').all()
      .map((r) => ({ name: r.name, description: r.description ?? undefined, type: JSON.parse(r.type) as ParameterType }));
  }

  parameter(name: string): ArchivedParameter | undefined {
    const r = this.db.prepare<[string], { name: string; description: string | null; type: string }>('SELECT name, description, type FROM parameter WHERE name = ?').get(name);
    return r ? { name: r.name, description: r.description ?? undefined, type: JSON.parse(r.type) as ParameterType } : undefined;
  }

  /** The chunks of `name` overlapping [fromTai, toTai) (untimed chunks only without a range), in start order. */
  *chunks(name: string, fromTai?: number, toTai?: number): Generator<ChunkRow> {
    const ranged = fromTai !== undefined || toTai !== undefined;
    const sql = `SELECT c.t0, c.t1, c.n, c.tai, c.apid, c.raw, c.eng, c.raw_text, c.eng_text, c.state FROM chunk c JOIN parameter p ON p.id = c.parameter
      WHERE p.name = ? ${ranged ? 'AND c.t0 IS NOT NULL AND c.t0 < ? AND c.t1 >= ?' : ''} ORDER BY c.t0 IS NOT NULL, c.t0, c.id`;
    const stmt = this.db.prepare(sql);
    const args: unknown[] = [name];
    if (ranged) args.push(toTai ?? Number.MAX_VALUE, fromTai ?? -Number.MAX_VALUE);
    yield* stmt.iterate(...args) as IterableIterator<ChunkRow>;
  }

  /** The samples of `name` with time in [fromTai, toTai), sorted by time (stable), all of them without a range. */
  series(name: string, fromTai?: number, toTai?: number): ParameterSeries | undefined {
    const parameter = this.parameter(name);
    if (!parameter) return undefined;
    const lo = fromTai ?? -Infinity;
    const hi = toTai ?? Infinity;
    const ranged = fromTai !== undefined || toTai !== undefined;
    const parts: { tai: Float64Array; apid: Uint16Array; raw: Float64Array | string[]; eng: Float64Array | (string | null)[] | undefined; state: Uint8Array; keep: number[] }[] = [];
    let total = 0;
    let textRaw = false;
    let engKind: 'number' | 'text' | undefined;
    for (const c of this.chunks(name, fromTai, toTai)) {
      const tai = f64(c.tai);
      const keep: number[] = [];
      for (let k = 0; k < c.n; k++) if (!ranged || (tai[k]! >= lo && tai[k]! < hi)) keep.push(k);
      if (!keep.length) continue;
      const raw = c.raw ? f64(c.raw) : (JSON.parse(c.raw_text ?? '[]') as string[]);
      if (!c.raw) textRaw = true;
      const eng = c.eng ? f64(c.eng) : c.eng_text ? (JSON.parse(c.eng_text) as (string | null)[]) : undefined;
      if (eng) engKind = eng instanceof Float64Array ? 'number' : 'text';
      parts.push({ tai, apid: u16(c.apid), raw, eng, state: new Uint8Array(c.state), keep });
      total += keep.length;
    }
    // Gather, then order by time (chunks of several containers and batches may interleave).
    const tai = new Float64Array(total);
    const apid = new Uint16Array(total);
    const state = new Uint8Array(total);
    const rawN = textRaw ? undefined : new Float64Array(total);
    const rawT: string[] | undefined = textRaw ? [] : undefined;
    const engN = engKind === 'number' ? new Float64Array(total) : undefined;
    const engT: (string | null)[] | undefined = engKind === 'text' ? [] : undefined;
    let i = 0;
    for (const p of parts) {
      for (const k of p.keep) {
        tai[i] = p.tai[k]!;
        apid[i] = p.apid[k]!;
        state[i] = p.state[k]!;
        const rv = p.raw[k]!;
        if (rawN) rawN[i] = rv as number;
        else rawT!.push(typeof rv === 'number' ? String(rv) : rv);
        if (engN) engN[i] = p.eng instanceof Float64Array ? p.eng[k]! : NaN;
        if (engT) engT.push(p.eng && !(p.eng instanceof Float64Array) ? p.eng[k]! : null);
        i++;
      }
    }
    const order = Array.from({ length: total }, (_, k) => k);
    let sorted = true;
    const key = (k: number) => (Number.isNaN(tai[k]!) ? -Infinity : tai[k]!);
    for (let k = 1; k < total; k++) if (key(k) < key(k - 1)) { sorted = false; break; }
    if (sorted) return { parameter, tai, apid, raw: rawN ?? rawT!, eng: engN ?? engT, state, length: total };
    order.sort((a, b) => key(a) - key(b) || a - b);
    const pick = <T extends Float64Array | Uint16Array | Uint8Array>(a: T): T => {
      const out = new (a.constructor as new (n: number) => T)(total);
      for (let k = 0; k < total; k++) out[k] = a[order[k]!]!;
      return out;
    };
    const pickList = <T>(a: readonly T[]): T[] => order.map((k) => a[k]!);
    return {
      parameter, tai: pick(tai), apid: pick(apid), state: pick(state), length: total,
      raw: rawN ? pick(rawN) : pickList(rawT!),
      eng: engN ? pick(engN) : engT ? pickList(engT) : undefined,
    };
  }

  close(): void {
    this.db.close();
  }
}

/** The engineering number of sample k, when it is one (calibrated, else the raw number). */
export function engNumber(s: ParameterSeries, k: number): number {
  if (s.eng instanceof Float64Array) return s.eng[k]!;
  if (s.eng !== undefined) return NaN;
  return s.raw instanceof Float64Array ? s.raw[k]! : NaN;
}

export const validityOf = (state: number): number => state & 3;
export const limitOf = (state: number): number => state >> 2;
