/**
 * @module Parameter decoding speed (issue 16), whole process: a child process reads a packet file, splits it
 * into packets (telemetry/framing) and decodes every packet with definitions compiled from XTCE into columnar
 * tables, calibration included; figures are values per second (parameters × packets / wall time of the child).
 *
 * - fixed: one APID of 71-octet packets, 20 parameters (7 header fields + 13 of u8/u16/u32/i16/f32, 4 calibrated),
 *   the layout of the NOAA-20 geolocation packets the issue measures peers on. Target ≥ 50 M values/s.
 * - conditional: three APIDs selected by restriction criteria under an abstract root, a dynamic-size binary
 *   field, an include condition, a context calibrator. Target ≥ 10 M values/s.
 * Every child reads its file in 4 MiB chunks through telemetry/framing's file reader and decodes each chunk's
 * packets before splitting the next (packet views die young: no old-space GC of a million views).
 * Baselines in the same run: (a) the same child splitting packets only, (b) a hand-written loop decoding the fixed
 * layout with DataView into Float64Arrays (what generated code could reach).
 * CCSDSPy and space_packet_parser are not run here (no Python packages on this machine); reported as skipped.
 * Run: `node dist/bench/decode.bench.js [--packets N] [--runs N]` or through `npm run bench -- --only decode`.
 */
import { execFile } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadXtce } from '../src/mdb/xtce/load.js';
import { openPacketFile } from '../telemetry/framing/index.js';
import { compileDecoder } from '../telemetry/parameters/compile.js';

const exec = promisify(execFile);
const here = fileURLToPath(import.meta.url);
const arg = (name: string, def: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]!; };

const NS = 'http://www.omg.org/spec/XTCE/20180204';
const HEADER = [['VERSION', 3], ['TYPE', 1], ['SEC_HDR_FLG', 1], ['PKT_APID', 11], ['SEQ_FLGS', 2], ['SRC_SEQ_CTR', 14], ['PKT_LEN', 16]] as const;
const uType = (bits: number) => `<IntegerParameterType name="u${bits}" signed="false"><IntegerDataEncoding sizeInBits="${bits}"/></IntegerParameterType>`;
const TYPES = `${[1, 2, 3, 8, 11, 14, 16, 32].map(uType).join('')}
 <IntegerParameterType name="i16"><IntegerDataEncoding sizeInBits="16" encoding="twosComplement"/></IntegerParameterType>
 <FloatParameterType name="f32"><FloatDataEncoding sizeInBits="32"/></FloatParameterType>
 <FloatParameterType name="cal16"><IntegerDataEncoding sizeInBits="16"><DefaultCalibrator><PolynomialCalibrator><Term coefficient="-40" exponent="0"/><Term coefficient="0.01" exponent="1"/></PolynomialCalibrator></DefaultCalibrator></IntegerDataEncoding></FloatParameterType>
 <FloatParameterType name="ctx16"><IntegerDataEncoding sizeInBits="16"><DefaultCalibrator><PolynomialCalibrator><Term coefficient="0.5" exponent="1"/></PolynomialCalibrator></DefaultCalibrator>
  <ContextCalibratorList><ContextCalibrator><ContextMatch><Comparison parameterRef="MODE" value="1" useCalibratedValue="false"/></ContextMatch><Calibrator><PolynomialCalibrator><Term coefficient="2" exponent="1"/></PolynomialCalibrator></Calibrator></ContextCalibrator></ContextCalibratorList></IntegerDataEncoding></FloatParameterType>
 <BinaryParameterType name="blob"><BinaryDataEncoding><SizeInBits><DynamicValue><ParameterInstanceRef parameterRef="NBYTES" useCalibratedValue="false"/><LinearAdjustment slope="8"/></DynamicValue></SizeInBits></BinaryDataEncoding></BinaryParameterType>`;
/** The fixed layout: 13 data fields, 65 octets after the primary header (71-octet packets). */
const FIXED = [['SECONDS', 'u32'], ['SUBSEC', 'u32'], ['X', 'f32'], ['Y', 'f32'], ['Z', 'f32'], ['VX', 'f32'], ['VY', 'f32'], ['VZ', 'f32'], ['T1', 'cal16'], ['T2', 'cal16'], ['T3', 'cal16'], ['T4', 'cal16'], ['FLAGS', 'u8']] as const;
// 4+4+6·4+4·2+1 = 41 octets; pad to 65 with 24 spare octets as 6 u32 (not decoded as parameters: location skip).
const refs = (names: readonly string[]) => names.map((n) => `<ParameterRefEntry parameterRef="${n}"/>`).join('');
const params = (list: readonly (readonly [string, string])[]) => list.map(([n, t]) => `<Parameter name="${n}" parameterTypeRef="${t}"/>`).join('');
const root = `<SequenceContainer name="CCSDS" abstract="true"><EntryList>${refs(HEADER.map((h) => h[0]))}</EntryList></SequenceContainer>`;
const sub = (name: string, apid: number, entries: string) => `<SequenceContainer name="${name}"><EntryList>${entries}</EntryList><BaseContainer containerRef="CCSDS"><RestrictionCriteria><Comparison parameterRef="PKT_APID" value="${apid}" useCalibratedValue="false"/></RestrictionCriteria></BaseContainer></SequenceContainer>`;
const doc = (ps: string, cs: string) => `<SpaceSystem name="B" xmlns="${NS}"><TelemetryMetaData><ParameterTypeSet>${TYPES}</ParameterTypeSet><ParameterSet>${params(HEADER.map(([n, b]) => [n, `u${b}`] as const))}${ps}</ParameterSet><ContainerSet>${root}${cs}</ContainerSet></TelemetryMetaData></SpaceSystem>`;

export const FIXED_XTCE = doc(params(FIXED) + params([['MODE', 'u8'], ['NBYTES', 'u8']]), sub('GEO', 100, `${refs(FIXED.slice(0, -1).map((f) => f[0]))}<ParameterRefEntry parameterRef="FLAGS"><LocationInContainerInBits><FixedValue>0</FixedValue></LocationInContainerInBits></ParameterRefEntry>`));
const COND_PARAMS = [['MODE', 'u8'], ['NBYTES', 'u8'], ['DATA', 'blob'], ['A1', 'cal16'], ['A2', 'ctx16'], ['A3', 'i16'], ['OPT', 'u16'], ['C1', 'u32'], ['C2', 'f32']] as const;
export const COND_XTCE = doc(params(COND_PARAMS), [
  sub('HK_A', 200, refs(['MODE', 'NBYTES', 'DATA', 'A1', 'A2', 'A3'])),
  sub('HK_B', 201, `${refs(['MODE', 'A1'])}<ParameterRefEntry parameterRef="OPT"><IncludeCondition><Comparison parameterRef="MODE" value="1" useCalibratedValue="false"/></IncludeCondition></ParameterRefEntry>${refs(['A2', 'A3'])}`),
  sub('HK_C', 202, refs(['C1', 'C2', 'A1', 'A2'])),
].join(''));

function header(b: Uint8Array, o: number, apid: number, seq: number, dataLen: number): void {
  b[o] = 0x08 | (apid >> 8); b[o + 1] = apid & 0xff; b[o + 2] = 0xc0 | ((seq >> 8) & 0x3f); b[o + 3] = seq & 0xff;
  b[o + 4] = (dataLen - 1) >> 8; b[o + 5] = (dataLen - 1) & 0xff;
}

/** `n` fixed-layout packets (71 octets). */
export function fixedPackets(n: number): Uint8Array {
  const b = new Uint8Array(n * 71);
  const dv = new DataView(b.buffer);
  for (let k = 0; k < n; k++) {
    const o = k * 71;
    header(b, o, 100, k & 0x3fff, 65);
    dv.setUint32(o + 6, 1_000_000 + k); dv.setUint32(o + 10, k * 7919);
    for (let j = 0; j < 6; j++) dv.setFloat32(o + 14 + 4 * j, Math.sin(k + j) * 7000);
    for (let j = 0; j < 4; j++) dv.setUint16(o + 38 + 2 * j, (k * 13 + j) & 0xffff);
    b[o + 46] = k & 0xff;
  }
  return b;
}

/** `n` packets cycling through the three conditional containers; counts values per packet as decoded. */
export function condPackets(n: number): { bytes: Uint8Array; values: number } {
  const parts: Uint8Array[] = [];
  let values = 0;
  for (let k = 0; k < n; k++) {
    const kind = k % 3;
    const mode = (k >> 2) & 1;
    let data: number[];
    if (kind === 0) { const nb = 4 + (k % 8); data = [mode, nb, ...new Array<number>(nb).fill(k & 0xff), 1, 2, 3, 4, 0xff, 0xfe]; values += 7 + 6; }
    else if (kind === 1) { data = [mode, 1, 2, ...(mode ? [9, 9] : []), 3, 4, 5, 6]; values += 7 + 4 + mode; }
    else { data = [0, 0, 0, k & 0xff, 0x3f, 0x80, 0, 0, 1, 2, 3, 4]; values += 7 + 4; }
    const p = new Uint8Array(6 + data.length);
    header(p, 0, 200 + kind, k & 0x3fff, data.length);
    p.set(data, 6);
    parts.push(p);
  }
  const total = parts.reduce((s, p) => s + p.length, 0);
  const bytes = new Uint8Array(total);
  let o = 0;
  for (const p of parts) { bytes.set(p, o); o += p.length; }
  return { bytes, values };
}

/**
 * Child: read `file` in 4 MiB chunks through the framing's file reader (as `tm decode` and `tm archive` do),
 * split and decode each chunk's packets before the next (`mode` xtce-fixed | xtce-cond | split | handwritten);
 * print timing. Columns of the fixed layout are allocated once: its packets are 71 octets, so the file size gives
 * the packet count (xtce-fixed and handwritten alike).
 */
async function child(mode: string, file: string): Promise<void> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const src = await openPacketFile(file, { framing: 'raw', crc: 'no', chunkSize: 4 << 20 });
  const expected = Math.ceil((src.size ?? 0) / 71);
  let packets = 0;
  let check = 0;
  if (mode === 'xtce-fixed' || mode === 'xtce-cond') {
    const dec = compileDecoder(loadXtce(mode === 'xtce-fixed' ? FIXED_XTCE : COND_XTCE, 'bench.xml'));
    if (mode === 'xtce-fixed') dec.reserve(expected);
    for await (const batch of src.batches) {
      packets += batch.packets.length;
      for (const p of batch.packets) if (typeof dec.decode(p.buf, p.offset, p.length, undefined, p.apid) === 'string') throw new Error('undecoded packet');
    }
    check = dec.tables().reduce((s, t) => s + t.rows, 0);
  } else if (mode === 'handwritten') {
    const cols = Array.from({ length: 20 }, () => new Float64Array(expected));
    let r = 0;
    let lastBuf: Uint8Array | undefined;
    let dv: DataView = new DataView(new ArrayBuffer(0));
    for await (const batch of src.batches) {
      packets += batch.packets.length;
      for (const p of batch.packets) {
        if (p.buf !== lastBuf) {
          lastBuf = p.buf;
          dv = new DataView(p.buf.buffer, p.buf.byteOffset, p.buf.byteLength);
        }
        const o = p.offset;
        const w0 = dv.getUint16(o), w1 = dv.getUint16(o + 2);
        cols[0]![r] = w0 >>> 13; cols[1]![r] = (w0 >>> 12) & 1; cols[2]![r] = (w0 >>> 11) & 1; cols[3]![r] = w0 & 0x7ff;
        cols[4]![r] = w1 >>> 14; cols[5]![r] = w1 & 0x3fff; cols[6]![r] = dv.getUint16(o + 4);
        cols[7]![r] = dv.getUint32(o + 6); cols[8]![r] = dv.getUint32(o + 10);
        for (let j = 0; j < 6; j++) cols[9 + j]![r] = dv.getFloat32(o + 14 + 4 * j);
        for (let j = 0; j < 4; j++) cols[15 + j]![r] = -40 + 0.01 * dv.getUint16(o + 38 + 2 * j);
        cols[19]![r] = dv.getUint8(o + 46);
        r++;
      }
    }
    check = r;
  } else {
    for await (const batch of src.batches) packets += batch.packets.length;
    check = packets;
  }
  if (check !== packets) throw new Error(`${mode}: ${check} rows for ${packets} packets`);
  const cpu = process.cpuUsage(c0);
  process.stdout.write(JSON.stringify({ seconds: (performance.now() - t0) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6, packets, check }));
}

interface ChildResult { seconds: number; cpuSeconds: number; packets: number }
async function runChild(mode: string, file: string): Promise<ChildResult> {
  const { stdout } = await exec(process.execPath, [here, '--child', mode, file], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout) as ChildResult;
}

export async function benchDecode(): Promise<{ name: string; medianMs: number; runs: number } & Record<string, unknown>> {
  const packets = arg('packets', 1_000_000);
  const runs = arg('runs', 5);
  const fixedFile = path.join(tmpdir(), `idoc-decode-fixed-${process.pid}.bin`);
  const condFile = path.join(tmpdir(), `idoc-decode-cond-${process.pid}.bin`);
  const cond = condPackets(packets);
  await writeFile(fixedFile, fixedPackets(packets));
  await writeFile(condFile, cond.bytes);
  try {
    const t = { fixed: [] as number[], cond: [] as number[], splitFixed: [] as number[], splitCond: [] as number[], hand: [] as number[] };
    // CPU seconds of the same children (user + system, all threads): less sensitive to other load than wall time.
    const cpu = { fixed: [] as number[], cond: [] as number[], hand: [] as number[] };
    const both = async (k: 'fixed' | 'cond' | 'hand', mode: string, file: string): Promise<void> => {
      const r = await runChild(mode, file);
      t[k].push(r.seconds);
      cpu[k].push(r.cpuSeconds);
    };
    for (let r = 0; r < runs; r++) {
      await both('fixed', 'xtce-fixed', fixedFile);
      t.splitFixed.push((await runChild('split', fixedFile)).seconds);
      await both('hand', 'handwritten', fixedFile);
      await both('cond', 'xtce-cond', condFile);
      t.splitCond.push((await runChild('split', condFile)).seconds);
    }
    const fixedValues = packets * 20;
    const m = (k: keyof typeof t) => median(t[k]);
    return {
      name: `parameter decode (${packets.toLocaleString('en-US')} packets per file, whole process; load ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores)`,
      medianMs: m('fixed') * 1000,
      runs,
      'fixed M values/s': fixedValues / m('fixed') / 1e6,
      'fixed baseline split-only ms': m('splitFixed') * 1000,
      'fixed baseline handwritten M values/s': fixedValues / m('hand') / 1e6,
      'fixed M values per CPU second': fixedValues / median(cpu.fixed) / 1e6,
      'fixed baseline handwritten M values per CPU second': fixedValues / median(cpu.hand) / 1e6,
      'conditional M values per CPU second': cond.values / median(cpu.cond) / 1e6,
      'conditional ms': m('cond') * 1000,
      'conditional M values/s': cond.values / m('cond') / 1e6,
      'conditional baseline split-only ms': m('splitCond') * 1000,
      peers: 'CCSDSPy and space_packet_parser skipped (no Python packages here)',
    };
  } finally {
    await rm(fixedFile, { force: true });
    await rm(condFile, { force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === here) {
  const i = process.argv.indexOf('--child');
  if (i > 0) await child(process.argv[i + 1]!, process.argv[i + 2]!);
  else {
    const r = await benchDecode();
    for (const [k, v] of Object.entries(r)) process.stdout.write(`${k}: ${typeof v === 'number' ? v.toFixed(1) : String(v)}\n`);
  }
}
