/**
 * @module Throughput of the pcap reader on synthetic captures (UDP and in-order TCP, 100- and 1400-octet
 * payloads, 64 KiB chunks). Not part of the tests: build, then
 * `node dist/telemetry/framing/pcap/reader.bench.js`.
 */
import { ethernetIpv4Tcp, ethernetIpv4Udp, writePcap } from './_write.test-helper.js';
import { createPcapReader } from './reader.js';

const PACKETS = 50_000;
const CHUNK = 65536;

for (const size of [100, 1400]) {
  const records = Array.from({ length: PACKETS }, (_, i) => ({
    timeUs: i,
    frame:
      i % 2 === 1
        ? ethernetIpv4Udp('10.0.0.1', '10.0.0.2', 5000, 6000, new Uint8Array(size))
        : ethernetIpv4Tcp('10.0.0.1', '10.0.0.2', 40000, 7000, 1 + (i / 2) * size, 0x10, new Uint8Array(size)),
  }));
  const file = writePcap(records);
  for (let rep = 0; rep < 5; rep++) {
    const t = performance.now();
    const reader = createPcapReader();
    let payloads = 0;
    for (let o = 0; o < file.length; o += CHUNK) payloads += reader.push(file.subarray(o, o + CHUNK)).payloads.length;
    reader.end();
    const s = (performance.now() - t) / 1000;
    if (payloads !== PACKETS) throw new Error(`expected ${PACKETS} payloads, got ${payloads}`);
    console.log(`pcap reader, ${size}-octet payloads: ${(PACKETS / s / 1e6).toFixed(2)} M packets/s, ${(file.length / s / 1e6).toFixed(0)} MB/s`);
  }
}
