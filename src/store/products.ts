/**
 * @module The products registry of the SQLite archive (the port's {@link ProductRegistry}): one row per product
 * version in table `products` of the archive's index, beside the packets. The table is additive (`CREATE TABLE
 * IF NOT EXISTS`, created by a writer's open or by the first `register`), outside the versioned packet schema
 * (schema.ts), like `segment_fixity`: adding it never migrates or slows the packet table, and an archive written
 * before it exists simply has no products. The record is kept whole as JSON; the columns searched on (route,
 * level, product id and version, the time span as TAI) are kept beside it.
 */
import { checkProductRecord } from '../archive/product-record.js';
import Database from 'better-sqlite3';
import path from 'node:path';
import { utcToTai } from '../time/utc.js';
import type { ProductQuery, ProductRecord, ProductRegistry } from '../archive/port.js';

const INDEX_FILE = 'index.sqlite';

const CREATE = `CREATE TABLE IF NOT EXISTS products (
  lidvid TEXT PRIMARY KEY, product_id TEXT NOT NULL, version REAL NOT NULL, level TEXT NOT NULL, route TEXT NOT NULL,
  start_tai REAL NOT NULL, stop_tai REAL NOT NULL, registered_ms REAL NOT NULL, record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS products_route_start ON products (route, start_tai);`;

/** Create the products table when missing (writer open, first register). */
export function ensureProductsTable(db: Database.Database): void {
  db.exec(CREATE);
}

/**
 * The registry over the archive in `dir`. It opens its own connections to the index when first used: read-only
 * for `get`/`list`, read-write for `register` (then used for everything), kept until {@link SqliteProducts.close}.
 */
export class SqliteProducts implements ProductRegistry {
  private rw: Database.Database | undefined;
  private ro: Database.Database | undefined;
  private closed = false;

  constructor(private readonly dir: string) {}

  private get db(): Database.Database {
    return this.rw ?? (this.ro ??= new Database(path.join(this.dir, INDEX_FILE), { readonly: true, fileMustExist: true }));
  }

  private check(): void {
    if (this.closed) throw new Error(`${this.dir}: archive reader closed`);
  }

  private hasTable(db: Database.Database): boolean {
    return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'products'").get() !== undefined;
  }

  async register(p: ProductRecord): Promise<void> {
    this.check();
    checkProductRecord(p);
    if (!this.rw) {
      const db = new Database(path.join(this.dir, INDEX_FILE), { fileMustExist: true });
      db.pragma('busy_timeout = 10000'); // ingest may be committing a batch
      ensureProductsTable(db);
      this.rw = db;
    }
    this.rw.prepare('INSERT OR REPLACE INTO products (lidvid, product_id, version, level, route, start_tai, stop_tai, registered_ms, record) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(p.lidvid, p.productId, p.version, p.level, p.route, utcToTai(p.start), utcToTai(p.stop), p.registeredUnixMs, JSON.stringify(p));
  }

  async get(lidvid: string): Promise<ProductRecord | undefined> {
    this.check();
    if (!this.hasTable(this.db)) return undefined;
    const r = this.db.prepare('SELECT record FROM products WHERE lidvid = ?').pluck().get(lidvid) as string | undefined;
    return r === undefined ? undefined : (JSON.parse(r) as ProductRecord);
  }

  async list(q: ProductQuery = {}): Promise<ProductRecord[]> {
    this.check();
    if (!this.hasTable(this.db)) return [];
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (q.routes) { where.push(`route IN (${q.routes.map(() => '?').join(',') || 'NULL'})`); args.push(...q.routes); }
    if (q.levels) { where.push(`level IN (${q.levels.map(() => '?').join(',') || 'NULL'})`); args.push(...q.levels); }
    // Overlapping [from, to): a product of zero length at `from` counts.
    if (q.to !== undefined) { where.push('start_tai < ?'); args.push(utcToTai(q.to)); }
    if (q.from !== undefined) { where.push('(stop_tai > ? OR start_tai >= ?)'); const f = utcToTai(q.from); args.push(f, f); }
    const rows = this.db.prepare(`SELECT product_id, version, record FROM products${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY route, start_tai, lidvid`)
      .all(...args) as { product_id: string; version: number; record: string }[];
    let keep = rows;
    if (q.latestOnly) {
      const latest = new Map<string, number>();
      for (const r of rows) latest.set(r.product_id, Math.max(latest.get(r.product_id) ?? -Infinity, r.version));
      keep = rows.filter((r) => latest.get(r.product_id) === r.version);
    }
    return keep.map((r) => JSON.parse(r.record) as ProductRecord);
  }

  close(): void {
    this.closed = true;
    for (const db of [this.rw, this.ro]) if (db?.open) db.close();
    this.rw = this.ro = undefined;
  }
}
