import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Checkpointer } from './checkpointer.js';

const waitFor = async (f: () => boolean) => {
  for (let i = 0; i < 500 && !f(); i++) await new Promise((r) => setTimeout(r, 10));
};

describe('Checkpointer', () => {
  it('copies committed WAL frames into the index on its own connection; after close the writer is the last connection', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idoc-ckpt-'));
    const file = path.join(dir, 'index.sqlite');
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('wal_autocheckpoint = 0'); // only the checkpointer copies pages back
    db.exec('CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)');
    const c = new Checkpointer(file, 'full');
    await waitFor(() => c.running);
    expect(c.running).toBe(true);
    const insert = db.prepare('INSERT INTO t (k, v) VALUES (?, ?)');
    db.transaction(() => { for (let k = 0; k < 5000; k++) insert.run(k, `row ${k}`); })();
    const sizeBefore = fs.statSync(file).size;
    c.signal();
    // The index file grows once the frames are copied back (the writer never checkpoints here).
    await waitFor(() => fs.statSync(file).size > sizeBefore);
    expect(fs.statSync(file).size).toBeGreaterThan(sizeBefore);
    c.close();
    expect(c.running).toBe(false);
    db.close(); // last connection: checkpoints the rest and removes the WAL
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
    const again = new Database(file, { readonly: true });
    expect(again.prepare('SELECT COUNT(*) AS n, MAX(v) AS m FROM t').get()).toEqual({ n: 5000, m: 'row 999' });
    again.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
