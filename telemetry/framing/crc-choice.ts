/**
 * @module The CRC table of a source: the mode of every APID from the option or config (src/ccsds/crc-policy.ts),
 * with `auto` APIDs decided from the head of the source: an APID whose first packets (up to 64) end in a valid
 * CRC-16/CCITT-FALSE for at least 3 in 4 of them has a PEC over the packet; else, checked the same way over the
 * data field, a data-field CRC; else none (a few damaged packets do not flip the choice). `auto` APIDs absent from
 * the head are decided by the splitter from their first packets. The reason says what was decided and why.
 */
import { IDLE_APID } from '../../src/ccsds/primary-header.js';
import { CrcCode, crcMatches, crcMode, crcTable, MODE_OF_CODE, type CrcOverride, type CrcSetting, type CrcTable } from '../../src/ccsds/crc-policy.js';

export interface CrcChoice {
  /** True when some APID is checked (`auto` APIDs left to the splitter are not counted). */
  readonly crc: boolean;
  readonly table: CrcTable;
  /** One sentence for the report. */
  readonly reason: string;
}

interface Tally { n: number; packet: number; dataField: number }

const PER_APID = 64;

/** Decide the table from the head's packets (framed without CRC). */
export function chooseCrc(
  head: readonly { buf: Uint8Array; offset: number; length: number; apid: number }[],
  setting: CrcSetting = 'auto', overrides: readonly CrcOverride[] = [],
): CrcChoice {
  const table = crcTable(setting, overrides);
  const auto = table.includes(CrcCode.Auto);
  const explicit = crcMode(setting) !== 'auto' && !overrides.length;
  if (!auto) {
    const any = table.some((c) => c === CrcCode.Packet || c === CrcCode.DataField);
    return { crc: any, table, reason: explicit ? 'chosen by option' : `per APID as configured${describe(table, head)}` };
  }
  const tallies = new Map<number, Tally>();
  let total = 0, totalPacket = 0, totalDf = 0;
  for (const p of head) {
    if (p.apid === IDLE_APID || table[p.apid] !== CrcCode.Auto) continue;
    let t = tallies.get(p.apid);
    if (!t) tallies.set(p.apid, (t = { n: 0, packet: 0, dataField: 0 }));
    if (t.n >= PER_APID) continue;
    const end = p.offset + p.length;
    const pk = crcMatches(CrcCode.Packet, p.buf, p.offset, end);
    const df = !pk && crcMatches(CrcCode.DataField, p.buf, p.offset, end);
    t.n++;
    if (pk) t.packet++;
    if (df) t.dataField++;
    if (total < PER_APID) { total++; if (pk) totalPacket++; if (df) totalDf++; }
  }
  if (tallies.size === 0) return { crc: false, table, reason: 'no packets to decide from; CRC decided per APID from its first packets' };
  const decided = new Map<number, { code: number; t: Tally }>();
  for (const [apid, t] of tallies) {
    const code = t.packet * 4 >= t.n * 3 ? CrcCode.Packet : t.dataField * 4 >= t.n * 3 ? CrcCode.DataField : CrcCode.None;
    table[apid] = code;
    decided.set(apid, { code, t });
  }
  const codes = new Set([...decided.values()].map((d) => d.code));
  const configured = overrides.filter((o) => o.mode !== 'auto');
  const fixed = configured.length ? `; as configured: ${configured.map((o) => `${o.mode} ${o.from === o.to ? o.from : `${o.from}-${o.to}`}`).join(', ')}` : '';
  let reason: string;
  if (codes.size === 1 && !overrides.length) {
    const code = [...codes][0]!;
    // The wording of before when every APID agrees.
    reason = code === CrcCode.DataField
      ? `${totalDf} of the first ${total} packets end in a valid CRC-16/CCITT-FALSE over the data field`
      : `${totalPacket} of the first ${total} packets end in a valid CRC-16/CCITT-FALSE`;
  } else {
    const groups = new Map<number, string[]>();
    for (const [apid, d] of [...decided].sort((a, b) => a[0] - b[0])) {
      const ok = d.code === CrcCode.DataField ? d.t.dataField : d.t.packet;
      (groups.get(d.code) ?? groups.set(d.code, []).get(d.code)!).push(`${apid} (${ok}/${d.t.n})`);
    }
    reason = `per APID from the first packets: ${[...groups].map(([code, l]) => `${MODE_OF_CODE[code]} ${l.join(', ')}`).join('; ')}${fixed}`;
  }
  return { crc: table.some((c) => c === CrcCode.Packet || c === CrcCode.DataField), table, reason };
}

/** `: packet 100-101; none 200` for the APIDs of the head, or '' when none. */
function describe(table: CrcTable, head: readonly { apid: number }[]): string {
  const apids = [...new Set(head.map((p) => p.apid))].filter((a) => a !== IDLE_APID).sort((a, b) => a - b);
  if (!apids.length) return '';
  const groups = new Map<string, number[]>();
  for (const a of apids) {
    const m = MODE_OF_CODE[table[a]!]!;
    (groups.get(m) ?? groups.set(m, []).get(m)!).push(a);
  }
  const ranges = (l: number[]) => {
    const out: string[] = [];
    for (let i = 0; i < l.length;) {
      let j = i;
      while (j + 1 < l.length && l[j + 1] === l[j]! + 1) j++;
      out.push(j > i ? `${l[i]}-${l[j]}` : `${l[i]}`);
      i = j + 1;
    }
    return out.join(',');
  };
  return `: ${[...groups].map(([m, l]) => `${m} ${ranges(l)}`).join('; ')}`;
}
