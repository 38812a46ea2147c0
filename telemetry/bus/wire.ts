/**
 * @module The ingest bus's message body: one packed batch (src/archive/packed-batch.ts) of ONE route, as octets.
 * Layout (little-endian): magic `IDPB`, u16 version 1, u16 0, u32 count, u32 octets, f64 receipt time (Unix ms),
 * u32 length of a UTF-8 JSON header `{ routes, sources }`, the header (from offset 28), padding to 8, then `count × INTS` int32,
 * `count × REALS` float64 and the packet octets back to back. A consumer stores exactly what the publisher packed
 * (digests, times, time status, sources), so the archive is the same as a direct ingest would make it.
 */
import { I, INTS, REALS, type PackedBatch } from '../../src/archive/index.js';
import { InputError } from '../../src/errors.js';

const MAGIC = 0x42504449; // 'IDPB' read as little-endian u32
const VERSION = 1;

/** Encode a sealed batch. */
export function encodeBatch(b: PackedBatch): Uint8Array {
  const head = Buffer.from(JSON.stringify({ routes: b.routes, sources: b.sources }), 'utf8');
  const iAt = (28 + head.length + 7) & ~7;
  const rAt = iAt + b.count * INTS * 4;
  const oAt = rAt + b.count * REALS * 8;
  const buf = new Uint8Array(oAt + b.bytes);
  const dv = new DataView(buf.buffer);
  dv.setUint32(0, MAGIC, true);
  dv.setUint16(4, VERSION, true);
  dv.setUint32(8, b.count, true);
  dv.setUint32(12, b.bytes, true);
  dv.setFloat64(16, b.receivedUnixMs, true);
  dv.setUint32(24, head.length, true);
  buf.set(head, 28);
  new Int32Array(buf.buffer, iAt, b.count * INTS).set(b.ints.subarray(0, b.count * INTS));
  new Float64Array(buf.buffer, rAt, b.count * REALS).set(b.reals.subarray(0, b.count * REALS));
  buf.set(b.octets.subarray(0, b.bytes), oAt);
  return buf;
}

/**
 * Decode a message body (its octets are copied out; the result does not alias `msg`).
 * @throws InputError naming the field when the body is not a packed batch of this version.
 */
export function decodeBatch(msg: Uint8Array, what = 'bus message'): PackedBatch {
  const bad = (why: string): never => { throw new InputError(`${what}: not a packed batch: ${why}`); };
  if (msg.length < 28) bad(`${msg.length} octets, shorter than the 28-octet header`);
  const copy = new Uint8Array(msg); // aligned, owned
  const dv = new DataView(copy.buffer);
  if (dv.getUint32(0, true) !== MAGIC) bad('offset 0: magic is not IDPB');
  if (dv.getUint16(4, true) !== VERSION) bad(`offset 4: version ${dv.getUint16(4, true)}, this idoc reads ${VERSION}`);
  const count = dv.getUint32(8, true);
  const bytes = dv.getUint32(12, true);
  const receivedUnixMs = dv.getFloat64(16, true);
  const headLen = dv.getUint32(24, true);
  if (28 + headLen > copy.length) bad(`offset 24: header length ${headLen} past the end`);
  let head: { routes?: unknown; sources?: unknown };
  try {
    head = JSON.parse(Buffer.from(copy.subarray(28, 28 + headLen)).toString('utf8')) as typeof head;
  } catch {
    return bad('offset 28: header is not JSON');
  }
  const routes = head.routes;
  const sources = head.sources;
  if (!Array.isArray(routes) || !routes.every((r) => typeof r === 'string')) bad('header: routes is not a list of names');
  if (!Array.isArray(sources) || !sources.every((s) => typeof s?.feed === 'string' && typeof s?.source === 'string')) bad('header: sources is not a list of { feed, source }');
  const iAt = (28 + headLen + 7) & ~7;
  const rAt = iAt + count * INTS * 4;
  const oAt = rAt + count * REALS * 8;
  if (oAt + bytes !== copy.length) bad(`${copy.length} octets, the header announces ${oAt + bytes}`);
  const ints = new Int32Array(copy.buffer, iAt, count * INTS);
  let sum = 0;
  for (let i = 0; i < count; i++) {
    const len = ints[i * INTS + I.len]!;
    if (len < 7 || ints[i * INTS + I.route]! >= (routes as string[]).length || ints[i * INTS + I.source]! >= (sources as unknown[]).length) bad(`packet ${i}: bad length, route or source index`);
    sum += len;
  }
  if (sum !== bytes) bad(`packet lengths add up to ${sum}, the header announces ${bytes} octets`);
  return {
    count, bytes, receivedUnixMs, ints, reals: new Float64Array(copy.buffer, rAt, count * REALS), octets: copy.subarray(oAt, oAt + bytes),
    routes: routes as string[], sources: sources as { feed: string; source: string }[],
  };
}
