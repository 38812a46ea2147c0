/**
 * @module Raw packet files of routes (`rawFile` pattern): each ingest run buffers a route's packets per resolved
 * path into `.<name>.<pid>.tmp` beside the final file; {@link RawFiles.commit} makes them durable and renames each
 * to its name, or, when that file exists already (a pattern without {run}), appends it whole to it; `abort`
 * removes them. A failed run never leaves part of its packets in a raw file.
 */
import fs from 'node:fs';
import path from 'node:path';

const BLOCK = 1 << 20;

/** `{apid}`, `{route}`, `{date}` (YYYYMMDD), `{run}` (YYYYMMDDTHHMMSSZ) filled in. */
export function rawFilePath(pattern: string, apid: number, route: string, runStartMs: number): string {
  const iso = new Date(runStartMs).toISOString();
  const run = `${iso.slice(0, 19).replace(/[-:]/g, '')}Z`;
  return pattern.replace(/\{apid\}/g, String(apid)).replace(/\{route\}/g, route).replace(/\{date\}/g, run.slice(0, 8)).replace(/\{run\}/g, run);
}

interface Open { fd: number; tmp: string; buf: Uint8Array; used: number; packets: number; bytes: number }

export class RawFiles {
  private readonly open = new Map<string, Open>();

  /** Buffer one packet for `file`. */
  write(file: string, packet: Uint8Array): void {
    let f = this.open.get(file);
    if (!f) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
      f = { fd: fs.openSync(tmp, 'w'), tmp, buf: new Uint8Array(BLOCK), used: 0, packets: 0, bytes: 0 };
      this.open.set(file, f);
    }
    if (f.used + packet.length > BLOCK) this.flush(f);
    if (packet.length > BLOCK) fs.writeSync(f.fd, packet);
    else {
      f.buf.set(packet, f.used);
      f.used += packet.length;
    }
    f.packets++;
    f.bytes += packet.length;
  }

  private flush(f: Open): void {
    let done = 0;
    while (done < f.used) done += fs.writeSync(f.fd, f.buf, done, f.used - done);
    f.used = 0;
  }

  /** Make every file of the run durable under its name. Returns what was written. */
  commit(): { file: string; packets: number; bytes: number }[] {
    const out: { file: string; packets: number; bytes: number }[] = [];
    for (const [file, f] of [...this.open.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
      this.flush(f);
      fs.fsyncSync(f.fd);
      fs.closeSync(f.fd);
      if (fs.existsSync(file)) {
        const dst = fs.openSync(file, 'a');
        try {
          const src = fs.openSync(f.tmp, 'r');
          const block = Buffer.allocUnsafe(BLOCK);
          for (let n; (n = fs.readSync(src, block, 0, BLOCK, null)) > 0;) {
            let done = 0;
            while (done < n) done += fs.writeSync(dst, block, done, n - done);
          }
          fs.closeSync(src);
          fs.fsyncSync(dst);
        } finally {
          fs.closeSync(dst);
        }
        fs.unlinkSync(f.tmp);
      } else {
        fs.renameSync(f.tmp, file);
      }
      out.push({ file, packets: f.packets, bytes: f.bytes });
    }
    this.open.clear();
    return out;
  }

  /** Drop the run's files. */
  abort(): void {
    for (const f of this.open.values()) {
      try { fs.closeSync(f.fd); } catch { /* already closed */ }
      fs.rmSync(f.tmp, { force: true });
    }
    this.open.clear();
  }
}
