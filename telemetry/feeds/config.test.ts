import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { InputError } from '../../src/errors.js';
import { defaultConfig, type MissionConfig } from '../../src/config/index.js';
import { feedsFromConfig, feedsProblems } from './config.js';
import { isoDurationMs as durationMs } from '../../src/time/iso-duration.js';

const withFeeds = (feeds: unknown, file = '/m/idoc.json'): MissionConfig => ({ ...defaultConfig(), file, raw: { mission: { name: 'x' }, feeds } });

describe('feedsProblems()', () => {
  it('accepts one feed of every kind', () => {
    expect(feedsProblems({
      dds: { kind: 'dds-exchange', requestDir: 'dds/in', deliveryDir: 'dds/out', apids: [1100, [1110, 1119]], window: 'PT1H', delay: 'PT30M', start: '2026-01-01T00:00:00Z', pollSeconds: 5, timeoutSeconds: 600 },
      web: { kind: 'http', url: 'http://127.0.0.1:8700', apids: [1100], window: { from: '2026-01-01T00:00:00Z' } },
      drop: { kind: 'drop-folder', dir: 'drop', framing: 'prefix', prefixBytes: 4 },
      bench: { kind: 'tcp', host: 'localhost', port: 10025, backoff: { initialSeconds: 0.5, maxSeconds: 30 } },
      sim: { kind: 'udp', port: 10026 },
    })).toEqual([]);
  });

  it.each([
    ['unknown kind', { a: { kind: 'ftp' } }, { code: 'enum', pointer: '/a/kind' }],
    ['missing url', { a: { kind: 'http' } }, { code: 'required', pointer: '/a/url' }],
    ['property of another kind', { a: { kind: 'tcp', port: 1, dir: 'x' } }, { code: 'additionalProperties', pointer: '/a/dir' }],
    ['port out of range', { a: { kind: 'udp', port: 70000 } }, { code: 'maximum', pointer: '/a/port' }],
    ['APID out of range', { a: { kind: 'dds-exchange', requestDir: 'x', apids: [1100, 2048] } }, { pointer: '/a/apids/1' }],
    ['reversed range', { a: { kind: 'dds-exchange', requestDir: 'x', apids: [[1119, 1110]] } }, { code: 'apid-range', pointer: '/a/apids/0' }],
    ['bad duration', { a: { kind: 'dds-exchange', requestDir: 'x', apids: [1], window: '1 hour' } }, { code: 'pattern', pointer: '/a/window' }],
    ['zero window', { a: { kind: 'dds-exchange', requestDir: 'x', apids: [1], window: 'PT0S' } }, { code: 'duration', pointer: '/a/window' }],
    ['bad feed name', { 'a b': { kind: 'udp', port: 1 } }, { code: 'pattern' }],
    ['window that ends first', { a: { kind: 'http', url: 'http://h', window: { from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z' } } }, { code: 'window', pointer: '/a/window/to' }],
  ])('reports %s', (_title, section, expected) => {
    const problems = feedsProblems(section);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems).toContainEqual(expect.objectContaining(expected));
  });
});

describe('feedsFromConfig()', () => {
  it('builds the feeds in the order written, skipping disabled ones, folders from the config folder', () => {
    const feeds = feedsFromConfig(withFeeds({
      drop: { kind: 'drop-folder', dir: 'in' },
      off: { kind: 'udp', port: 9, enabled: false },
      bench: { kind: 'tcp', port: 10025 },
    }));
    expect(feeds.map((f) => [f.name, f.kind, f.realtime])).toEqual([['drop', 'drop-folder', false], ['bench', 'tcp', true]]);
  });

  it('has no feeds without a feeds section', () => {
    expect(feedsFromConfig(defaultConfig())).toEqual([]);
  });

  it('throws one InputError locating every problem as file#/feeds/…', () => {
    let error: unknown;
    try {
      feedsFromConfig(withFeeds({ a: { kind: 'http' }, b: { kind: 'tcp', port: 0 } }, path.join('/m', 'idoc.json')));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    const e = error as InputError;
    expect(e.message).toBe('/m/idoc.json: 2 problems in the feeds section');
    expect(e.problems.map((p) => p.path)).toEqual(['/m/idoc.json#/feeds/a/url', '/m/idoc.json#/feeds/b/port']);
  });
});

describe('feed durations (src/time/iso-duration.ts, luxon)', () => {
  it.each([['PT1H', 3_600_000], ['P1D', 86_400_000], ['PT30M', 1_800_000], ['PT0.5S', 500], ['P1DT1H1M1S', 90_061_000]])('%s → %d ms', (text, ms) => {
    expect(durationMs(text)).toBe(ms);
  });
  it.each(['P', 'PT', '1H', 'P1Y', 'PT1H30'])('rejects %s', (text) => {
    expect(durationMs(text)).toBeUndefined();
  });
});
