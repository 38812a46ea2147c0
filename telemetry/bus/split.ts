/**
 * @module Split a sealed packed batch by route: the bus publishes one message per route (subject per mission and
 * route), each a packed batch of its own with the packets in their original order.
 */
import { I, INTS, REALS, type PackedBatch } from '../../src/archive/index.js';

/** One batch per route present, in order of first appearance. */
export function splitByRoute(b: PackedBatch): { route: string; batch: PackedBatch }[] {
  if (b.count === 0) return [];
  if (b.routes.length === 1) return [{ route: b.routes[0]!, batch: b }];
  const out: { route: string; batch: PackedBatch }[] = [];
  const off = new Float64Array(b.count + 1);
  for (let i = 0; i < b.count; i++) off[i + 1] = off[i]! + b.ints[i * INTS + I.len]!;
  for (let r = 0; r < b.routes.length; r++) {
    const ix: number[] = [];
    let bytes = 0;
    for (let i = 0; i < b.count; i++) if (b.ints[i * INTS + I.route] === r) { ix.push(i); bytes += b.ints[i * INTS + I.len]!; }
    if (!ix.length) continue;
    const ints = new Int32Array(ix.length * INTS);
    const reals = new Float64Array(ix.length * REALS);
    const octets = new Uint8Array(bytes);
    let at = 0;
    ix.forEach((i, k) => {
      ints.set(b.ints.subarray(i * INTS, (i + 1) * INTS), k * INTS);
      ints[k * INTS + I.route] = 0;
      reals.set(b.reals.subarray(i * REALS, (i + 1) * REALS), k * REALS);
      octets.set(b.octets.subarray(off[i]!, off[i + 1]!), at);
      at += b.ints[i * INTS + I.len]!;
    });
    out.push({ route: b.routes[r]!, batch: { count: ix.length, bytes, octets, ints, reals, routes: [b.routes[r]!], sources: b.sources, receivedUnixMs: b.receivedUnixMs } });
  }
  return out;
}

/** Packets [from, to) of a sealed batch, as a batch of their own (routes and sources kept). */
export function sliceBatch(b: PackedBatch, from: number, to: number): PackedBatch {
  let start = 0;
  for (let i = 0; i < from; i++) start += b.ints[i * INTS + I.len]!;
  let bytes = 0;
  for (let i = from; i < to; i++) bytes += b.ints[i * INTS + I.len]!;
  return {
    count: to - from, bytes, octets: b.octets.slice(start, start + bytes), ints: b.ints.slice(from * INTS, to * INTS), reals: b.reals.slice(from * REALS, to * REALS),
    routes: b.routes, sources: b.sources, receivedUnixMs: b.receivedUnixMs,
  };
}

/** Bodies of at most `maxBytes` (each a whole number of packets, in order): the batch split in halves until each fits. */
export function fitBatch(b: PackedBatch, maxBytes: number, encode: (b: PackedBatch) => Uint8Array): Uint8Array[] {
  const body = encode(b);
  if (body.length <= maxBytes || b.count <= 1) return [body];
  const half = b.count >>> 1;
  return [...fitBatch(sliceBatch(b, 0, half), maxBytes, encode), ...fitBatch(sliceBatch(b, half, b.count), maxBytes, encode)];
}
