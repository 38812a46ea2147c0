/**
 * @module Framing a feed unit: its chunks arrive in any sizes, so the head is gathered (up to the detection
 * size, or the end) to choose framing and CRC exactly as for a file, then everything is split in order.
 *
 * With `framing: auto`, the choice is made again when the evidence turns (telemetry/framing/redecide.ts, the
 * mechanism files share: after 256 KiB of which less than 1/4 read as packets, a framing that reads more than
 * half of the next chunk takes over; stream offsets stay those of the unit).
 *
 * Live units: a {@link TICK} (the link went quiet) decides from the head gathered so far rather than wait for
 * more, and is passed on so ingest can commit. Datagram units (UDP): every chunk is split on its own, so a
 * damaged or hostile datagram never spills into the next; framing and CRC are decided again on each datagram
 * until one yields packets, then kept.
 */
import { DETECT_BYTES, createRedecidingSplitter, createSplitter, chooseCrc, decide, type Batch, type FramingChoice, type ReadOptions, type RedecidingSplitter } from '../framing/index.js';
import { TICK, type Tick } from './_ticks.js';

export interface FramedUnit {
  /** Known once the first batch has been produced (or at the end for an empty unit). */
  framing: FramingChoice | undefined;
  crc: boolean | undefined;
  bytes: number;
}

/** Datagrams with packets that decide framing and CRC for the rest of the unit (the majority of them). */
const DATAGRAM_VOTES = 8;

/** Split datagrams, each alone. */
async function* frameDatagrams(chunks: AsyncIterable<Uint8Array | Tick>, opts: ReadOptions, info: FramedUnit): AsyncGenerator<Batch | Tick> {
  let settled = false;
  const votes = new Map<string, { n: number; framing: FramingChoice; crc: boolean }>();
  let voters = 0;
  for await (const chunk of chunks) {
    if (chunk === TICK) {
      yield TICK;
      continue;
    }
    info.bytes += chunk.length;
    let choice = { framing: info.framing!, crc: info.crc! };
    if (!settled) {
      // Until enough datagrams agree, each is framed by its own evidence (a garbage datagram decides nothing).
      const d = decide(chunk, opts);
      choice = { framing: d.framing, crc: d.crc.crc };
    }
    const splitter = createSplitter(choice.framing, { ...opts, crc: choice.crc });
    const first = splitter.push(chunk);
    const last = splitter.end();
    if (!settled && first.packets.length + last.packets.length > 0) {
      const key = `${choice.framing.framing}:${choice.framing.prefixBytes ?? 0}:${choice.crc}`;
      const v = votes.get(key) ?? { n: 0, ...choice };
      v.n++;
      votes.set(key, v);
      if (++voters >= DATAGRAM_VOTES) {
        const best = [...votes.values()].sort((a, b) => b.n - a.n)[0]!;
        info.framing = best.framing;
        info.crc = best.crc;
        settled = true;
      } else if (!info.framing) {
        info.framing = choice.framing;
        info.crc = choice.crc;
      }
    }
    yield first;
    yield last;
  }
}

/** Split a unit's chunks into batches. Errors of the chunk source propagate (a transfer that dropped). */
export async function* frameChunks(chunks: AsyncIterable<Uint8Array | Tick>, opts: ReadOptions, info: FramedUnit, datagrams = false): AsyncGenerator<Batch | Tick> {
  if (datagrams) {
    yield* frameDatagrams(chunks, opts, info);
    return;
  }
  const head: Uint8Array[] = [];
  let headBytes = 0;
  // With framing auto, decided again when the evidence turns: the one mechanism of telemetry/framing/redecide.ts.
  let splitter: RedecidingSplitter | undefined;
  const push = (chunk: Uint8Array): Batch => {
    const b = splitter!.push(chunk);
    info.framing = splitter!.framing;
    info.crc = splitter!.crc;
    return b;
  };
  const start = (quiet = false) => {
    const all = Buffer.concat(head);
    const d = decide(all.subarray(0, DETECT_BYTES), opts);
    if (quiet && (opts.crc ?? 'auto') === 'auto') {
      // A short head from a quiet link: let the CRC probe decide as a quiet splitter would (past garbage at the head).
      const probe = createSplitter(d.framing, { ...opts, crc: false });
      const found = [...probe.push(all).packets];
      if (probe.quiet) found.push(...probe.quiet().packets);
      d.crc = chooseCrc(found, opts.crc ?? 'auto', opts.crcOverrides ?? []);
    }
    splitter = createRedecidingSplitter(d, opts);
    head.length = 0;
    return push(all);
  };
  for await (const chunk of chunks) {
    if (chunk === TICK) {
      // Quiet: decide from what came (a live trickle may never fill the detection head).
      if (!splitter && headBytes > 0) yield start(true);
      const q = splitter?.quiet();
      if (q) yield q;
      yield TICK;
      continue;
    }
    info.bytes += chunk.length;
    if (splitter) {
      yield push(chunk);
      continue;
    }
    head.push(Uint8Array.from(chunk)); // chunk buffers may be reused by the source
    headBytes += chunk.length;
    if (headBytes >= DETECT_BYTES) yield start();
  }
  if (!splitter) {
    if (headBytes === 0) return;
    yield start();
  }
  yield splitter!.end();
}
