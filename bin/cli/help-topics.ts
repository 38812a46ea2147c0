/**
 * @module The man-page-like topics of `idoc help <topic>`: plain data (a title and sections of text), printed as
 * text or, with --json, as `{topic, title, sections: [{heading, text}]}`. Light to import: no other module.
 */

export interface HelpSection {
  readonly heading: string;
  readonly text: string;
}

export interface HelpTopic {
  readonly topic: string;
  readonly title: string;
  readonly sections: readonly HelpSection[];
}

export const HELP_TOPICS: readonly HelpTopic[] = [
  {
    topic: 'config',
    title: 'idoc.json, the mission configuration',
    sections: [
      { heading: 'WHERE', text: 'Every command that reads packets or the archive takes --config FILE; without it idoc reads ./idoc.json when present, else built-in defaults (PUS-C secondary header, CUC 4+2 at the CCSDS epoch, CRC decided from the data, no APIDs declared). Paths inside the file are relative to the file.' },
      { heading: 'SECTIONS', text: 'mission (required: name; spacecraft, instrument, spacecraftId) · packets (profile, crc, time code, pusA, maxPacketLength) · apids (name, kind, periodSeconds, crc per APID or range) · feeds (drop folders, HTTP, TCP, UDP) · routes (APIDs to named streams) · products (L0 routes, windows, identifiers) · archive (dir) · time (axis, launch, correlation) · ephemeris (file, object, spk, centralBody).' },
      { heading: 'SCHEMAS', text: 'schemas/config.schema.json checks the file; each section has its own schemas/config-<section>.schema.json, referenced from the main schema so an editor completes every section when the file starts with "$schema": "<path>/schemas/config.schema.json". Problems are reported one a line as idoc.json#/<pointer>: message, exit 2.' },
      { heading: 'SAMPLE', text: 'fixtures/sample-mission/idoc.json is a complete working mission (the README examples use it); fixtures/config/valid/all-fields.json sets every field.' },
    ],
  },
  {
    topic: 'framing',
    title: 'How idoc finds packets in a file',
    sections: [
      { heading: 'FRAMINGS', text: 'raw (CCSDS space packets back to back, CCSDS 133.0-B-2), dds (ESA DDS records: an 18-octet header with the ground time before each packet), prefix (a fixed number of octets before each packet: --prefix-bytes N), pcap and pcapng (packets in UDP or TCP payloads of captures).' },
      { heading: 'DETECTION', text: '--framing auto (the default) decides from the first octets and confirms the choice on a chain of consistent packets; a damaged head is skipped and reported with its offset, and the choice is re-decided when the evidence turns. --framing NAME forces it.' },
      { heading: 'CHECKS', text: 'Packet lengths against --max-packet-length (default 65542), the CRC-16 per APID (--crc packet|data-field|none|auto, or APIDS=MODE entries), sequence counters per APID (gaps, resets). Skipped octets, CRC errors and gaps make the exit code 1.' },
    ],
  },
  {
    topic: 'time-axes',
    title: 'The three times of a packet and the chosen axis',
    sections: [
      { heading: 'TIMES', text: 'on-board: the secondary header time code (CUC or CDS, CCSDS 301.0-B-4), made UTC by the time section\'s correlation when given · ground: the DDS header time, else the capture timestamp, else the receipt time · received: when idoc read the packet.' },
      { heading: 'AXIS', text: 'time.axis correlated (default): the on-board time where it is synchronised and plausible (after time.launch, within time.plausibleSpanDays of the ground time), else the ground time; time.axis ground: always the ground time. --from/--to, l0 build windows, gaps and product dates all use this axis.' },
      { heading: 'INSTANTS', text: '--from/--to and every other instant flag take UTC ISO-8601, read with luxon (2026-01-01T12:00:00Z; 2026-060T12:00:00Z; an offset such as +02:00; a date alone is midnight; no zone means UTC). 23:59:60[.fff] is the inserted leap second itself on the TAI axis (after 23:59:59, before midnight), accepted only on a day the leap-second table inserts one; elsewhere it is refused in one line (second 60 on a day without a leap second). Plan, request and ITL/EVF times, kept in Unix ms, read 23:59:60 as the following midnight. Durations (--window PT1H, --bin PT1M, feed windows) are ISO-8601 days, hours, minutes and seconds. Printed times are UTC ISO-8601 with Z. idoc time convert reads UTC, TAI seconds since 1958, Unix seconds (--in unix), now, and CUC/CDS hex.' },
      { heading: 'LEAP SECONDS', text: 'A bundled IERS table; idoc time leap-seconds --load Leap_Second.dat stores a newer one. An expired table is warned about on stderr.' },
    ],
  },
  {
    topic: 'exit-codes',
    title: 'Exit codes',
    sections: [
      { heading: '0', text: 'Success, and the data was clean.' },
      { heading: '1', text: 'The run completed but found problems in the data: CRC errors, sequence gaps, skipped octets, rule violations, invalid labels, a refused export.' },
      { heading: '2', text: 'Usage or input error: a bad flag or value, an unknown or ignored flag, an unreadable or invalid file, a full disk. One line on stderr names the flag, file, offset or field (idoc: ...); never a stack trace (IDOC_DEBUG=1 shows one for internal errors). No half-written product is left behind.' },
    ],
  },
  {
    topic: 'output',
    title: 'What commands print, and in which formats',
    sections: [
      { heading: 'STREAMS', text: 'Results go to stdout; progress, warnings and errors to stderr. Progress is drawn only when stderr is a terminal, as one self-overwriting line (MB, %, MB/s and ETA when the total is known); log lines are written above it, never into it.' },
      { heading: 'JSON', text: 'Every command that prints results takes --json: one envelope object on stdout (idoc help json), or NDJSON for streams of records: packets dump, archive query --json, tm decode (per packet, or per sample with --long). Field names are camelCase; times are UTC ISO-8601 strings ending in Z.' },
      { heading: 'CSV', text: 'CSV output (archive gaps --csv, orbit events --csv, orbit geometry, tm decode) follows RFC 4180: a header line, CRLF line endings, fields with commas, quotes or line breaks quoted with "" for a quote.' },
      { heading: 'TIMES', text: 'UTC ISO-8601 with Z everywhere a person reads a time: YYYY-MM-DDThh:mm:ss.ssssssZ (microseconds) for packet and instant times; dates of products and windows as written in their labels.' },
      { heading: 'FILES', text: '--out FILE writes one file, --out-dir DIR a folder; both atomically (a temporary name, then renamed), never half-written.' },
    ],
  },
  {
    topic: 'json',
    title: 'The --json envelope',
    sections: [
      { heading: 'ENVELOPE', text: 'With --json a command prints one object on stdout: {"command": "archive status", "version": "0.1.0", "ok": true, "problems": [], "result": {…}}. command: the command words; version: idoc\'s; ok: false when the run found problems in the data (exit 1) or could not do its job (exit 2); problems: objects with message and, where known, code and path (file#/pointer, file:line or file: offset 0x…); result: the command\'s answer, the fields its text output shows (an array for commands that answer with a list: orbit check, orbit geometry, feed list, plan validate with several plans). An object result\'s fields also stand at the top level, beside the envelope\'s (its own command, version, ok, problems or result only inside result), so scripts reading the bare objects of earlier versions keep working.' },
      { heading: 'ERRORS', text: 'A usage or input error (exit 2) with --json prints the envelope on one line with "ok": false, "result": null and the error as its problems (an InputError\'s located problems after it); the one-line message still goes to stderr.' },
      { heading: 'STREAMS', text: 'packets dump --json, archive query --json and tm decode --json print NDJSON: one record per line and no envelope, so a reader can start before the end; a run that fails part-way ends with the one-line error envelope.' },
      { heading: 'SERVERS', text: 'feed serve --json and serve --json print their envelope on one line when they are ready, then keep serving.' },
    ],
  },
];

export const topicNames = (): string[] => HELP_TOPICS.map((t) => t.topic);

/** A topic as man-page-like text: the title, then each heading with its text indented and wrapped at 100 columns. */
export function topicText(t: HelpTopic): string {
  const wrap = (text: string, indent: string): string => {
    const lines: string[] = [];
    let line = '';
    for (const word of text.split(/\s+/)) {
      if (line && line.length + 1 + word.length > 100 - indent.length) {
        lines.push(indent + line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    if (line) lines.push(indent + line);
    return lines.join('\n');
  };
  return [`IDOC-${t.topic.toUpperCase()}(7)  ${t.title}`, '', ...t.sections.flatMap((s) => [s.heading, wrap(s.text, '    '), ''])].join('\n');
}
