import { describe, expect, it } from 'vitest';
import { createProgress } from './progress.js';
import { parseApidList, parseChoice, parseIntFlag, parseUtcFlag } from './options.js';
import { reportError, type Io } from './exit.js';
import { InputError, UsageError } from '../../src/errors.js';
import { utcToTai } from '../../src/time/index.js';

const capture = (tty: boolean) => {
  let err = '';
  const io: Io = { out: () => undefined, err: (t) => void (err += t), errIsTty: tty };
  return { io, err: () => err };
};

describe('createProgress()', () => {
  it('draws one self-overwriting line on a terminal and clears it at the end', () => {
    const c = capture(true);
    const p = createProgress(c.io, 0);
    p.update('file.dds', 5e6, 1e7);
    p.done();
    expect(c.err()).toMatch(/^\r\x1b\[Kfile\.dds: 5\.0 MB 50\.0% \d+ MB\/s ETA \d+ s\r\x1b\[K$/);
  });
  it('writes log lines above the progress line, which is drawn again (never mixed with it)', () => {
    const c = capture(true);
    const p = createProgress(c.io, 0);
    p.update('l0 build', 1e6, 4e6);
    p.log('{"event":"x"}\n');
    p.done();
    const lines = c.err().split('\n');
    expect(lines[0]).toMatch(/^\r\x1b\[Kl0 build: 1\.0 MB 25\.0% \d+ MB\/s ETA \d+ s\r\x1b\[K\{"event":"x"\}$/);
    expect(lines[1]).toMatch(/^l0 build: 1\.0 MB 25\.0% .*\r\x1b\[K$/);
  });

  it('stays quiet when stderr is not a terminal, log lines pass through', () => {
    const c = capture(false);
    const p = createProgress(c.io, 0);
    p.update('x', 1, 2);
    p.log('line\n');
    p.done();
    expect(c.err()).toBe('line\n');
  });
});

describe('option parsing', () => {
  it('parseApidList() takes singles and ranges and rejects the rest naming the flag', () => {
    const l = parseApidList('--apid', '1100, 1110-1112');
    expect([1100, 1110, 1111, 1112, 1113].map(l.has)).toEqual([true, true, true, true, false]);
    expect(() => parseApidList('--apid', '2048')).toThrow(/--apid "2048"/);
    expect(() => parseApidList('--apid', '5-3')).toThrow(UsageError);
  });
  it('parseUtcFlag() reads ISO UTC (Z optional, date only) and refuses nonsense', () => {
    expect(parseUtcFlag('--from', '2026-01-01')).toBe(utcToTai('2026-01-01T00:00:00Z'));
    expect(parseUtcFlag('--from', '2026-01-01T12:00:00')).toBe(utcToTai('2026-01-01T12:00:00Z'));
    expect(() => parseUtcFlag('--from', 'yesterday')).toThrow('--from "yesterday": not a UTC instant such as 2026-01-01T12:00:00Z');
    expect(parseUtcFlag('--from', '2026-060')).toBe(utcToTai('2026-03-01T00:00:00Z'));
  });
  it('parseUtcFlag() takes 23:59:60 as the leap second itself on the TAI axis, and only on a leap-second day', () => {
    // 2016-12-31 had one (ΔAT 36 → 37 s): the inserted second is 1 s after 23:59:59 and 1 s before midnight.
    expect(parseUtcFlag('--to', '2016-12-31T23:59:60Z') - parseUtcFlag('--to', '2016-12-31T23:59:59Z')).toBe(1);
    expect(parseUtcFlag('--to', '2017-01-01T00:00:00Z') - parseUtcFlag('--to', '2016-12-31T23:59:60.25Z')).toBe(0.75);
    expect(() => parseUtcFlag('--to', '2015-12-31T23:59:60Z')).toThrow('--to "2015-12-31T23:59:60Z": second 60 on a day without a leap second (2015-12-31)');
  });
  it('parseIntFlag() and parseChoice() name the flag in their errors', () => {
    expect(parseIntFlag('--limit', '10', 1, 100)).toBe(10);
    expect(() => parseIntFlag('--limit', '0', 1, 100)).toThrow(/--limit "0": expected an integer 1..100/);
    expect(() => parseChoice('--crc', 'maybe', ['yes', 'no'])).toThrow(/--crc "maybe": expected one of yes, no/);
  });
});

describe('reportError()', () => {
  it('maps usage and input errors to exit 2 with one line, plus one line per problem', () => {
    const c = capture(false);
    expect(reportError(new InputError('idoc.json: 2 problems', [{ code: 'required', path: 'idoc.json#/mission', message: 'mission is required' }]), c.io)).toBe(2);
    expect(c.err()).toBe('idoc: idoc.json: 2 problems\n  idoc.json#/mission: mission is required\n');
  });
  it('names the file of a file-system error', () => {
    const c = capture(false);
    const e = Object.assign(new Error("ENOSPC: no space left on device, write"), { code: 'ENOSPC', path: '/data/out.bin' });
    expect(reportError(e, c.io)).toBe(2);
    expect(c.err()).toBe('idoc: /data/out.bin: ENOSPC: no space left on device, write\n');
  });
});
