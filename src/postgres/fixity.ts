/**
 * @module Fixity of the PostgreSQL archive's segment files, as in the SQLite store (src/store/fixity.ts): every
 * run of octets a batch writes has its SHA-256 in `segment_fixity`, recorded in the batch's transaction;
 * {@link verifyPgSegments} re-reads every committed octet and reports each run whose SHA-256 changed, and
 * committed octets without a checksum as unchecked.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { FixityProblem, SegmentFixityReport } from '../store/index.js';
import type { Sql } from './connection.js';
import { segmentFile } from './segments.js';

/** Check every segment of the archive whose index `sql` reaches and whose files are under `dir`. */
export async function verifyPgSegments(sql: Sql, dir: string): Promise<SegmentFixityReport> {
  const segs = await sql.unsafe('SELECT id::float8 AS id, length::float8 AS length FROM segments ORDER BY id') as unknown as { id: number; length: number }[];
  const runs = await sql.unsafe('SELECT segment::float8 AS segment, off::float8 AS off, length::float8 AS length, sha256 FROM segment_fixity ORDER BY segment, off') as unknown as
    { segment: number; off: number; length: number; sha256: Uint8Array }[];
  const problems: FixityProblem[] = [];
  let checked = 0;
  let unchecked = 0;
  for (const s of segs) {
    if (s.length === 0) continue;
    const file = path.join(dir, segmentFile(s.id));
    let fd: number;
    try {
      fd = fs.openSync(file, 'r');
    } catch {
      problems.push({ file, offset: 0, length: s.length, kind: 'missing', message: `the segment file is missing (${s.length} committed octets)` });
      continue;
    }
    try {
      const size = fs.fstatSync(fd).size;
      let covered = 0;
      for (const r of runs) {
        if (r.segment !== s.id || r.off + r.length > s.length) continue;
        covered += r.length;
        if (r.off + r.length > size) {
          problems.push({ file, offset: r.off, length: r.length, kind: 'missing', message: `the file ends at ${size}, before the ${r.length} octets written at ${r.off}` });
          continue;
        }
        const buf = Buffer.alloc(r.length);
        fs.readSync(fd, buf, 0, r.length, r.off);
        checked += r.length;
        if (!createHash('sha256').update(buf).digest().equals(Buffer.from(r.sha256))) {
          problems.push({ file, offset: r.off, length: r.length, kind: 'mismatch', message: `SHA-256 of the ${r.length} octets written there has changed` });
        }
      }
      if (covered < s.length) unchecked += s.length - covered;
    } finally {
      fs.closeSync(fd);
    }
  }
  return { segments: segs.length, checkedBytes: checked, uncheckedBytes: unchecked, problems };
}
