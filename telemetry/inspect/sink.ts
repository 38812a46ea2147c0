/**
 * @module Where extracted packets go: stdout or a file (`packets cat`), or one file per APID (`packets split`).
 * Writes are buffered in 1 MiB blocks; files are written under a temporary name and renamed at the end, so a
 * failed run (a full disk, a bad input) never leaves a half-written product under the final name.
 */
import { open, rename, mkdir, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Io } from '../../src/io.js';

const BLOCK = 1 << 20;

/** A buffered binary writer. */
class BlockWriter {
  private buf = new Uint8Array(BLOCK);
  private used = 0;
  bytes = 0;
  packets = 0;
  constructor(private readonly emit: (b: Uint8Array) => Promise<void>) {}
  async write(b: Uint8Array): Promise<void> {
    this.bytes += b.length;
    this.packets++;
    if (this.used + b.length > BLOCK) await this.flush();
    if (b.length > BLOCK) return this.emit(b);
    this.buf.set(b, this.used);
    this.used += b.length;
  }
  async flush(): Promise<void> {
    if (!this.used) return;
    const out = this.buf.subarray(0, this.used);
    this.buf = new Uint8Array(BLOCK); // the emitted block may still be in flight
    this.used = 0;
    await this.emit(out);
  }
}

/** A file written under `<dir>/.<name>.<pid>.tmp` and renamed to its name by `commit`. */
async function atomicFile(final: string): Promise<{ fh: FileHandle; commit(): Promise<void>; abort(): Promise<void> }> {
  const tmp = path.join(path.dirname(final), `.${path.basename(final)}.${process.pid}.tmp`);
  const fh = await open(tmp, 'w');
  return {
    fh,
    async commit() {
      await fh.sync();
      await fh.close();
      await rename(tmp, final);
    },
    async abort() {
      await fh.close().catch(() => undefined);
      await unlink(tmp).catch(() => undefined);
    },
  };
}

export interface PacketSink {
  write(packet: Uint8Array): Promise<void> | void;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

/** Packets to `file` (atomic), or to stdout when `file` is undefined. */
export async function createPacketSink(file: string | undefined, io: Io): Promise<PacketSink> {
  if (file === undefined) {
    const emit = io.outBytes ?? (async (b: Uint8Array) => io.out(Buffer.from(b).toString('latin1')));
    const w = new BlockWriter(emit);
    return { write: (p) => w.write(p), commit: () => w.flush(), abort: async () => undefined };
  }
  const f = await atomicFile(file);
  const w = new BlockWriter(async (b) => { await f.fh.write(b); });
  return {
    write: (p) => w.write(p),
    commit: async () => { await w.flush(); await f.commit(); },
    abort: () => f.abort(),
  };
}

/** One `apid_<N>.bin` per APID in `dir`. */
export async function splitByApid(dir: string) {
  await mkdir(dir, { recursive: true });
  const files = new Map<number, { w: BlockWriter; f: Awaited<ReturnType<typeof atomicFile>> }>();
  return {
    async write(apid: number, packet: Uint8Array): Promise<void> {
      let e = files.get(apid);
      if (!e) {
        const f = await atomicFile(path.join(dir, `apid_${apid}.bin`));
        e = { f, w: new BlockWriter(async (b) => { await f.fh.write(b); }) };
        files.set(apid, e);
      }
      await e.w.write(packet);
    },
    async commit(): Promise<{ apid: number; file: string; packets: number; bytes: number }[]> {
      const out = [];
      for (const [apid, e] of [...files.entries()].sort((a, b) => a[0] - b[0])) {
        await e.w.flush();
        await e.f.commit();
        out.push({ apid, file: path.join(dir, `apid_${apid}.bin`), packets: e.w.packets, bytes: e.w.bytes });
      }
      return out;
    },
    async abort(): Promise<void> {
      for (const e of files.values()) await e.f.abort();
    },
  };
}
