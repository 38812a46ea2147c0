import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../../src/errors.js';
import { loadTcDatabase } from '../database/load.js';
import { formatItl, itlTime, parseEvf, parseItl, parseItlTime, type Timeline } from './itl.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const db = loadTcDatabase(path.join(root, 'fixtures/planning/sim.tcdb.json'));
const t0 = Date.parse('2025-01-01T00:00:00Z');
const timeline: Timeline = {
  name: 'itl', instrument: 'SIM', validity: { start: t0, end: t0 + 86400_000 },
  commands: [
    { t: t0 + 60_000, command: 'SIM_POWER_ON', parameters: {}, request: 'PWR-UP' },
    { t: t0 + 120_500, command: 'SIM_HV_ON', parameters: { VOLTAGE: 1200, RAMP: 12.5 }, request: 'OBS-1', constraints: { sunlit: true, latitudeDeg: { min: 0 } } },
    { t: t0 + 180_000, command: 'SIM_OBS_START', parameters: { OBS_ID: 'OBS 7', EXPOSURE: 500, BINNING: 'B4', COMPRESS: false, TAG: '0000' }, request: 'OBS-1' },
    { t: t0 + 181_000, command: 'SIM_OBS_START', parameters: { OBS_ID: '12345678', EXPOSURE: 1, BINNING: 'B1', COMPRESS: true, TAG: 'true' } },
  ],
};

describe('ITL (formats.md §6.2)', () => {
  it('itlTime()/parseItlTime(): dd-Mon-yyyy_hh:mm:ss with milliseconds only when not zero', () => {
    expect(itlTime(Date.parse('2014-01-21T06:05:09Z'))).toBe('21-Jan-2014_06:05:09');
    expect(itlTime(Date.parse('2025-12-31T23:59:59.250Z'))).toBe('31-Dec-2025_23:59:59.250');
    expect(parseItlTime('21-Jan-2014_06:05:09')).toBe(Date.parse('2014-01-21T06:05:09Z'));
    expect(parseItlTime('30-Feb-2014_06:05:09')).toBeUndefined();
    expect(parseItlTime('2014-01-21T06:05:09')).toBe(Date.parse('2014-01-21T06:05:09Z'));
    expect(parseItlTime('2014-01-21T06:05:09.125Z')).toBe(Date.parse('2014-01-21T06:05:09.125Z'));
    expect(parseItlTime('2014-021T06:05:09Z')).toBe(Date.parse('2014-01-21T06:05:09Z'));
    expect(parseItlTime('2014-02-30T06:05:09Z')).toBeUndefined();
    // Leap seconds: 23:59:60 only where one was inserted (2016-12-31), read as the next midnight on the Unix-ms axis.
    expect(parseItlTime('31-Dec-2016_23:59:60')).toBe(Date.parse('2017-01-01T00:00:00Z'));
    expect(parseItlTime('2016-366T23:59:60.500Z')).toBe(Date.parse('2017-01-01T00:00:00Z'));
    expect(parseItlTime('31-Dec-2015_23:59:60')).toBeUndefined();
    expect(parseItlTime('21-Jan-2014_06:05:60')).toBeUndefined();
    // Shapes other than the two ITL forms are not times, even where ISO 8601 would read them.
    for (const t of ['2014', '2014-01-21', '21-Jan-2014', 'LABEL', '2014-01-21T06:05Z']) expect(parseItlTime(t), t).toBeUndefined();
    expect(parseItlTime('2014-01-21 06:05:09')).toBeUndefined();
  });

  it('formatItl() writes headers, metadata comments, units and continuation lines', () => {
    const text = formatItl(timeline, db, { createdUnixMs: t0 });
    expect(text).toContain('Start_time: 01-Jan-2025_00:00:00\nEnd_time: 02-Jan-2025_00:00:00\n');
    expect(text).toContain('# SIM - REQUEST=OBS-1\n# SIM - CONSTRAINTS={"sunlit":true,"latitudeDeg":{"min":0}}\n01-Jan-2025_00:02:00.500  SIM  *  SIM_HV_ON  ( VOLTAGE=1200 [V] \\\n');
    expect(text).toMatch(/RAMP=12\.5 \[V\/s\] \)\n/);
    expect(text).toContain('OBS_ID="OBS 7"');
    expect(text).toContain('BINNING=B4');
    expect(text).toContain('COMPRESS=FALSE');
  });

  it('an export re-imported is equal (times, commands, parameter values and types, requests, constraints)', () => {
    const back = parseItl(formatItl(timeline, db, { waiver: 'ok', violations: 1 }), 'x.itl', { name: 'itl' });
    expect(back.timeline).toEqual(timeline);
    expect(back.header).toMatchObject({ Version: '1' });
  });

  it('reads EPS relative entries through an EVF, MAJIS OBS blocks, profiles and comments; entries come out in time order', () => {
    const evf = parseEvf('Start_time: 01-Jan-2025_00:00:00\n01-Jan-2025_01:00:00  MD_OBS1_SO  (COUNT = 1)\n01-Jan-2025_03:00:00  MD_OBS1_SO  (COUNT = 2)\n', 'e.evf');
    const text = [
      'Version: 00001', 'Source_file: other.itl', '# a comment',
      'MD_OBS1_SO (COUNT = 2) +00:10:00  SIM  SCIENCE  SIM_PING',
      'MD_OBS1_SO -1_00:00:30  SIM  *  SIM_HTR_SET  ( SETPOINT = 25 [degC] POWER_PROFILE = 00:00:00 5 [W] 00:01:00 0 [W] )',
      '01-Jan-2025_04:00:00  SIM  OBS_START  DARK_01',
      '01-Jan-2025_04:00:10  SIM  *  SIM_PING  # trailing comment',
      '01-Jan-2025_04:05:00  SIM  OBS_END  DARK_01',
    ].join('\n');
    const { timeline: tl, header } = parseItl(text, 'r.itl', { evf });
    expect(header).toEqual({ Version: '00001' });
    expect(tl.commands).toEqual([
      { t: Date.parse('2024-12-31T00:59:30Z'), command: 'SIM_HTR_SET', parameters: { SETPOINT: 25 }, powerProfile: [{ offset: '00:00:00', value: 5, unit: 'W' }, { offset: '00:01:00', value: 0, unit: 'W' }] },
      { t: Date.parse('2025-01-01T03:10:00Z'), command: 'SIM_PING', parameters: {}, mode: 'SCIENCE' },
      { t: Date.parse('2025-01-01T04:00:10Z'), command: 'SIM_PING', parameters: {}, request: 'DARK_01' },
    ]);
  });

  it('OBS_START/OBS_END blocks keep their attributes such as (PRIME=TRUE) through export and re-import', () => {
    const text = [
      'Start_time: 2032-07-04T00:00:00Z', 'End_time: 2032-07-05T00:00:00Z',
      '2032-07-04T10:00:00Z  MAJIS  OBS_START  MAJ_JUP_DISK_SCAN_001  (PRIME=TRUE)',
      '2032-07-04T10:00:00Z  MAJIS  *  MAJ_SCAN  ( LINES = 120 )',
      '2032-07-04T10:30:00Z  MAJIS  *  MAJ_STOP',
      '2032-07-04T10:30:00Z  MAJIS  OBS_END  MAJ_JUP_DISK_SCAN_001  ( PRIME=TRUE TARGET="JUPITER" )',
      '2032-07-04T11:00:00Z  MAJIS  OBS_START  MAJ_CAL_002',
      '2032-07-04T11:05:00Z  MAJIS  *  MAJ_CAL',
      '2032-07-04T11:10:00Z  MAJIS  OBS_END  MAJ_CAL_002',
    ].join('\n');
    const first = parseItl(text, 'majis.itl').timeline;
    const t = (iso: string) => Date.parse(iso);
    expect(first.observations).toEqual([
      { name: 'MAJ_JUP_DISK_SCAN_001', experiment: 'MAJIS', start: t('2032-07-04T10:00:00Z'), end: t('2032-07-04T10:30:00Z'), startAttributes: 'PRIME=TRUE', endAttributes: 'PRIME=TRUE TARGET="JUPITER"' },
      { name: 'MAJ_CAL_002', experiment: 'MAJIS', start: t('2032-07-04T11:00:00Z'), end: t('2032-07-04T11:10:00Z') },
    ]);
    expect(first.commands.map((c) => [c.command, c.request])).toEqual([['MAJ_SCAN', 'MAJ_JUP_DISK_SCAN_001'], ['MAJ_STOP', 'MAJ_JUP_DISK_SCAN_001'], ['MAJ_CAL', 'MAJ_CAL_002']]);
    const exported = formatItl(first, undefined, { createdUnixMs: 0 });
    // The block lines come back around the commands of their instants, attributes and all.
    const lines = exported.split('\n').filter((l) => /^\d/.test(l));
    expect(lines.map((l) => l.split(/\s+/).slice(1, 4).join(' '))).toEqual([
      'MAJIS OBS_START MAJ_JUP_DISK_SCAN_001', 'MAJIS * MAJ_SCAN', 'MAJIS * MAJ_STOP', 'MAJIS OBS_END MAJ_JUP_DISK_SCAN_001',
      'MAJIS OBS_START MAJ_CAL_002', 'MAJIS * MAJ_CAL', 'MAJIS OBS_END MAJ_CAL_002',
    ]);
    expect(lines[0]).toMatch(/OBS_START {2}MAJ_JUP_DISK_SCAN_001 {2}\( PRIME=TRUE \)$/);
    expect(parseItl(exported, 'again.itl', { name: first.name }).timeline).toEqual(first);
  });

  it('bad lines are reported all at once, each with file:line', () => {
    const text = ['Start_time: 32-Jan-2025_00:00:00', 'garbage here', '01-Jan-2025_00:00:00  SIM  *  SIM_HTR_SET  ( SETPOINT )', 'EVT +00:00:01  SIM  *  SIM_PING', '01-Jan-2025_04:00:00  SIM  OBS_START  A'].join('\n');
    try {
      parseItl(text, 'bad.itl');
      throw new Error('no error');
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      expect((e as InputError).problems.map((p) => p.path)).toEqual(['bad.itl:1', 'bad.itl:2', 'bad.itl:3', 'bad.itl:4', 'bad.itl:5']);
      expect((e as InputError).problems[3]!.message).toMatch(/EVT \(COUNT = 1\) is not in the event file \(none given: use --evf FILE\)/);
    }
    expect(() => parseEvf('01-Jan-2025_01:00:00 LABEL\n', 'e.evf')).toThrow(/e\.evf:1: expected/);
  });
});

describe('ITL as JUICE/MAJIS planners and OSVE write it', () => {
  const files: Record<string, string> = {
    'top.itl': 'Start_time: 2032-07-04T00:00:00Z\nEnd_time: 2032-07-05T00:00:00Z\nInclude_file: "sub/a.itl"\n',
    'sub/a.itl': '2032-07-04T01:00:00Z  MAJIS  STANDBY\nInclude_file: "b.itl"\n',
    'sub/b.itl': '04-Jul-2032_00:30:00  JANUS  *  JANUS_IMAGE  ( FILTER=RED \\\n   EXPOSURE=12.5 [ms] )\n',
  };
  const include = (name: string, from: string) => {
    const file = path.posix.join(path.posix.dirname(from), name);
    const text = files[file];
    if (text === undefined) throw Object.assign(new Error(`ENOENT: no such file, open '${file}'`), { code: 'ENOENT' });
    return { text, file };
  };

  it('follows nested includes relative to the including file, sorts entries by time and keeps each entry\'s experiment', () => {
    const r = parseItl(files['top.itl']!, 'top.itl', { include });
    expect(r.files).toEqual(['top.itl', 'sub/a.itl', 'sub/b.itl']);
    expect(r.timeline.instrument).toBe('JANUS'); // the experiment of the first entry in time
    expect(r.timeline.validity).toEqual({ start: Date.parse('2032-07-04T00:00:00Z'), end: Date.parse('2032-07-05T00:00:00Z') });
    expect(r.timeline.commands).toEqual([
      { t: Date.parse('2032-07-04T00:30:00Z'), command: 'JANUS_IMAGE', parameters: { FILTER: 'RED', EXPOSURE: 12.5 } },
      { t: Date.parse('2032-07-04T01:00:00Z'), command: 'MAJIS_MODE', parameters: { MODE: 'STANDBY' }, mode: 'STANDBY', experiment: 'MAJIS' },
    ]);
    // Exported under each entry's own experiment, the mode switch as a mode-only entry.
    const text = formatItl(r.timeline, undefined, { createdUnixMs: 0 });
    expect(text).toContain('04-Jul-2032_00:30:00  JANUS  *  JANUS_IMAGE  ( FILTER=RED \\\n');
    expect(text).toContain('04-Jul-2032_01:00:00  MAJIS  STANDBY\n');
    expect(parseItl(text, 'top.itl').timeline).toEqual(r.timeline);
  });

  it('a missing include, an include without a reader and an event missing from an ISO-8601 EVF are named with their line', () => {
    expect(() => parseItl('Include_file: "nope.itl"\n2032-07-04T01:00:00Z MAJIS OFF\n', 'top.itl', { include })).toThrow(/^top\.itl:1: Include_file "nope\.itl": ENOENT no such file/);
    expect(() => parseItl('Include_file: "x.itl"\n', 'top.itl')).toThrow('top.itl:1: Include_file "x.itl": includes are not read here');
    const evf = parseEvf('2032-07-04T09:12:30Z  PERIJOVE  (COUNT = 1)\n', 'e.evf');
    expect(parseItl('PERIJOVE (COUNT = 1) +00:00:30  MAJIS  *  MAJIS_DARK\n', 'r.itl', { evf }).timeline.commands[0]!.t).toBe(Date.parse('2032-07-04T09:13:00Z'));
    expect(() => parseItl('PERIJOVE (COUNT = 2) +00:00:30  MAJIS  *  MAJIS_DARK\n', 'r.itl', { evf })).toThrow('r.itl:1: event PERIJOVE (COUNT = 2) is not in the event file');
  });

  it('profiles: malformed points are errors; numeric offsets keep their unit and convert to seconds', async () => {
    const { profileOffsetS } = await import('./itl.js');
    expect(() => parseItl('2032-07-04T01:00:00Z MAJIS * X ( POWER_PROFILE = 00:00:00 )\n', 'p.itl')).toThrow('p.itl:1: POWER_PROFILE: profile offset 00:00:00 has no numeric value');
    expect(profileOffsetS({ offset: '300', offsetUnit: 'sec', value: 1 })).toBe(300);
    expect(profileOffsetS({ offset: '-1_00:00:30', value: 1 })).toBe(-86430);
    expect(profileOffsetS({ offset: '2', offsetUnit: 'min', value: 1 })).toBe(120);
  });
});

describe('binary content instead of a timeline', () => {
  it('an ITL, EVF or EDF holding NUL or non-UTF-8 bytes is refused in one line naming the file and line', async () => {
    const { parseEdf } = await import('../database/edf.js');
    expect(() => parseItl('Version: 1\n\u0000\u0000junk', 'x.itl')).toThrow(/^x\.itl: offset 0xb \(11\): binary data \(a NUL character\), not an EPS\/MAPPS ITL timeline$/);
    expect(() => parseEvf('\ufffd\ufffd', 'x.evf')).toThrow('x.evf: offset 0x0 (0): binary data (2 control characters in the first 2), not an EVF event file');
    expect(() => parseEdf('Experiment: X\n\u0000', 'x.edf')).toThrow('x.edf: offset 0xe (14): binary data (a NUL character), not an EPS experiment description file (EDF)');
  });
});
