/**
 * @module Fixity of the archive's segment files: the SHA-256 of every run of octets a transaction writes into a
 * segment, recorded in the same transaction (table `segment_fixity`, created on a writer's open, outside the
 * versioned schema so it never collides with packet-table migrations), and `verifySegments`, which re-reads
 * every committed octet and compares. A torn tail that never committed has no row (its transaction rolled back);
 * octets written by an idoc without this table are reported as unchecked, not as damage.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { InputError } from '../errors.js';

/** The index file name (as archive.ts names it; repeated to keep this module free of the archive's). */
const INDEX_FILE = 'index.sqlite';

const CREATE = 'CREATE TABLE IF NOT EXISTS segment_fixity (segment INTEGER NOT NULL, offset INTEGER NOT NULL, length INTEGER NOT NULL, sha256 BLOB NOT NULL, PRIMARY KEY (segment, offset))';

/** Create the fixity table when missing (writer open). */
export function ensureFixityTable(db: Database.Database): void {
  db.exec(CREATE);
}

const inserts = new WeakMap<Database.Database, Database.Statement>();

/** Record the SHA-256 of `bytes`, written at `offset` of segment `segment` (inside the caller's transaction). */
export function recordSegmentFixity(db: Database.Database, segment: number, offset: number, bytes: Uint8Array): void {
  if (bytes.length === 0) return;
  let st = inserts.get(db);
  if (!st) inserts.set(db, (st = db.prepare('INSERT OR REPLACE INTO segment_fixity (segment, offset, length, sha256) VALUES (?, ?, ?, ?)')));
  st.run(segment, offset, bytes.length, createHash('sha256').update(bytes).digest());
}

/** One finding of a fixity check. */
export interface FixityProblem {
  readonly file: string;
  readonly offset: number;
  readonly length: number;
  /** `mismatch`: the octets changed; `missing`: fewer octets than recorded; `unchecked`: committed octets with no checksum. */
  readonly kind: 'mismatch' | 'missing' | 'unchecked';
  readonly message: string;
}

export interface SegmentFixityReport {
  readonly segments: number;
  readonly checkedBytes: number;
  readonly uncheckedBytes: number;
  readonly problems: FixityProblem[];
}

/**
 * Re-read every segment of the archive in `dir` and compare with the recorded checksums (the index is opened
 * read-only here; a running ingest may go on writing meanwhile: what it commits later is not looked at).
 * @throws InputError when `dir` holds no archive index.
 */
export function verifySegments(dir: string): SegmentFixityReport {
  const index = path.join(dir, INDEX_FILE);
  if (!fs.existsSync(index)) throw new InputError(`${dir}: not an idoc archive (no ${INDEX_FILE})`);
  const db = new Database(index, { readonly: true, fileMustExist: true });
  try {
    // One read transaction: the segment lengths and checksum rows of one moment.
    return db.transaction(() => verifyWith(dir, db))();
  } finally {
    db.close();
  }
}

function verifyWith(dir: string, db: Database.Database): SegmentFixityReport {
  const segs = db.prepare('SELECT id, length FROM segments ORDER BY id').all() as { id: number; length: number }[];
  const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'segment_fixity'").get() !== undefined;
  const rowsOf = hasTable ? db.prepare('SELECT offset, length, sha256 FROM segment_fixity WHERE segment = ? ORDER BY offset') : undefined;
  const problems: FixityProblem[] = [];
  let checkedBytes = 0;
  let uncheckedBytes = 0;
  for (const s of segs) {
    const file = path.join(dir, 'segments', `seg-${String(s.id).padStart(6, '0')}.bin`);
    let fd: number;
    try {
      fd = fs.openSync(file, 'r');
    } catch (e) {
      problems.push({ file, offset: 0, length: s.length, kind: 'missing', message: `segment file unreadable (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` });
      continue;
    }
    try {
      let covered = 0;
      const rows = (rowsOf?.all(s.id) ?? []) as { offset: number; length: number; sha256: Buffer }[];
      let buf = Buffer.alloc(0);
      for (const r of rows) {
        if (r.offset + r.length > s.length) continue; // beyond the committed length: not part of the archive
        if (r.offset > covered) {
          uncheckedBytes += r.offset - covered;
          problems.push({ file, offset: covered, length: r.offset - covered, kind: 'unchecked', message: `${r.offset - covered} octets without a recorded checksum` });
        }
        if (buf.length < r.length) buf = Buffer.allocUnsafe(Math.max(r.length, 1 << 20));
        const got = fs.readSync(fd, buf, 0, r.length, r.offset);
        if (got < r.length) {
          problems.push({ file, offset: r.offset + got, length: r.length - got, kind: 'missing', message: `${r.length - got} recorded octets missing (file shorter than the index says)` });
        } else {
          const sha = createHash('sha256').update(buf.subarray(0, r.length)).digest();
          if (!sha.equals(r.sha256)) problems.push({ file, offset: r.offset, length: r.length, kind: 'mismatch', message: `SHA-256 of the ${r.length} octets written there has changed` });
          else checkedBytes += r.length;
        }
        covered = Math.max(covered, r.offset + r.length);
      }
      if (covered < s.length) {
        uncheckedBytes += s.length - covered;
        problems.push({ file, offset: covered, length: s.length - covered, kind: 'unchecked', message: `${s.length - covered} octets without a recorded checksum (written before checksums were kept)` });
      }
    } finally {
      fs.closeSync(fd);
    }
  }
  return { segments: segs.length, checkedBytes, uncheckedBytes, problems };
}
