/**
 * @module The `feeds` section of the mission configuration: checked against
 * `schemas/config-feeds.schema.json` (ajv, draft 2020-12; problems located `file#/feeds/<name>/…`, like
 * src/config) and turned into {@link Feed} objects. Relative folders are read from the config file's folder.
 * The section maps feed names to feeds: `{ "feeds": { "dds": { "kind": "dds-exchange", … } } }`.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { schemaFile } from '../../src/schema-file.js';
import { InputError, type Problem } from '../../src/errors.js';
import type { MissionConfig } from '../../src/config/index.js';
import { ajvErrorsToProblems, pointerToken, type PointerProblem } from '../../src/config/schema-problems.js';
import type { FramingName } from '../framing/index.js';
import { ddsExchangeFeed } from './dds-exchange.js';
import { dropFolderFeed } from './drop-folder.js';
import { httpFeed } from './http-feed.js';
import { tcpFeed } from './tcp-feed.js';
import { udpFeed } from './udp-feed.js';
import type { BackoffOptions } from './backoff.js';
import { isoDurationMs as durationMs } from '../../src/time/iso-duration.js';
import type { Feed } from './types.js';

export const FEEDS_SCHEMA_RELATIVE = 'schemas/config-feeds.schema.json';

/** The feed section as written (after the schema check). Keep in step with the schema. */
type ApidItem = number | [number, number];
interface FeedCommon {
  description?: string;
  enabled?: boolean;
}
interface Framed {
  framing?: FramingName | 'auto';
  prefixBytes?: number;
}
export type FeedConfig =
  | (FeedCommon & {
      kind: 'dds-exchange'; requestDir: string; deliveryDir?: string; rejectedDir?: string; apids: ApidItem[]; start?: string;
      window?: string; delay?: string; pollSeconds?: number; timeoutSeconds?: number; maxWindows?: number; requestPrefix?: string;
      directory?: string; target?: string;
    })
  | (FeedCommon & { kind: 'http'; url: string; apids?: ApidItem[]; window?: { from?: string; to?: string }; maxPackets?: number; timeoutSeconds?: number; tokenFile?: string; caFile?: string })
  | (FeedCommon & Framed & { kind: 'drop-folder'; dir: string; pollSeconds?: number; doneDir?: string; rejectedDir?: string })
  | (FeedCommon & Framed & { kind: 'tcp' | 'udp'; host?: string; port: number; backoff?: { initialSeconds?: number; maxSeconds?: number }; commitIntervalSeconds?: number; receiveBufferBytes?: number });

let validatorCache: ValidateFunction | undefined;

const schemaPath = (): string => schemaFile(path.basename(FEEDS_SCHEMA_RELATIVE));

function validator(): ValidateFunction {
  if (validatorCache) return validatorCache;
  // validateSchema off: the meta-schema is not compiled at every start (src/config/schema-meta.test.ts checks the file).
  const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true, strictRequired: false, strictTypes: false, validateSchema: false });
  addFormatsModule.default(ajv, ['date-time']);
  return (validatorCache = ajv.compile(JSON.parse(readFileSync(schemaPath(), 'utf8')) as object));
}

const ranges = (items: readonly ApidItem[]): Array<[number, number]> => items.map((x) => (typeof x === 'number' ? [x, x] : [x[0], x[1]]));

/** Checks beyond the schema: ranges in order, durations not zero, a window that ends after it starts. */
function semanticProblems(name: string, f: FeedConfig): PointerProblem[] {
  const at = `/${pointerToken(name)}`;
  const out: PointerProblem[] = [];
  if ('apids' in f && f.apids) {
    f.apids.forEach((x, i) => {
      if (typeof x !== 'number' && x[0] > x[1]) out.push({ code: 'apid-range', pointer: `${at}/apids/${i}`, message: `range [${x[0]}, ${x[1]}] ends before it starts` });
    });
  }
  if (f.kind === 'dds-exchange') {
    for (const key of ['window', 'delay'] as const) {
      const v = f[key];
      if (v === undefined) continue;
      const ms = durationMs(v);
      if (ms === undefined) out.push({ code: 'pattern', pointer: `${at}/${key}`, message: `${JSON.stringify(v)} is not a duration such as PT1H` });
      else if (key === 'window' && ms <= 0) out.push({ code: 'duration', pointer: `${at}/${key}`, message: 'the window must be longer than zero' });
    }
  }
  if (f.kind === 'http' && f.window?.from !== undefined && f.window.to !== undefined && Date.parse(f.window.to) <= Date.parse(f.window.from)) {
    out.push({ code: 'window', pointer: `${at}/window/to`, message: `ends at or before window/from (${f.window.from})` });
  }
  return out;
}

/**
 * Check a `feeds` section: problems with pointers relative to the section (`/<name>/…`); none when valid.
 */
export function feedsProblems(section: unknown): PointerProblem[] {
  const validate = validator();
  const problems = validate(section) ? [] : ajvErrorsToProblems(validate.errors ?? []);
  if (problems.length || section === null || typeof section !== 'object') return problems;
  for (const [name, f] of Object.entries(section as Record<string, FeedConfig>)) problems.push(...semanticProblems(name, f));
  return problems;
}

export interface FeedsFromConfigOptions {
  /** Clock for the DDS windows, Unix ms (tests). */
  readonly now?: () => number;
  /** Include feeds with `enabled: false`. Default false. */
  readonly includeDisabled?: boolean;
}

const secondsMs = (s: number | undefined): number | undefined => (s === undefined ? undefined : Math.round(s * 1000));

function backoffOf(b: { initialSeconds?: number; maxSeconds?: number } | undefined): BackoffOptions | undefined {
  if (!b) return undefined;
  return { ...(b.initialSeconds !== undefined ? { initialMs: b.initialSeconds * 1000 } : {}), ...(b.maxSeconds !== undefined ? { maxMs: b.maxSeconds * 1000 } : {}) };
}

/** Drop undefined values (exactOptionalPropertyTypes: optional means absent). */
function defined<T extends Record<string, unknown>>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}

/** Build one feed from its (checked) config entry; `base` resolves relative folders. */
export function feedFromConfig(name: string, f: FeedConfig, base: string, options: FeedsFromConfigOptions = {}): Feed {
  const dir = (p: string | undefined): string | undefined => (p === undefined ? undefined : path.resolve(base, p));
  switch (f.kind) {
    case 'dds-exchange':
      return ddsExchangeFeed({
        name, requestDir: dir(f.requestDir)!, apids: ranges(f.apids).flatMap(([a, b]) => Array.from({ length: b - a + 1 }, (_, i) => a + i)),
        ...defined({
          deliveryDir: dir(f.deliveryDir), rejectedDir: dir(f.rejectedDir),
          startMs: f.start !== undefined ? Date.parse(f.start) : undefined,
          windowMs: f.window !== undefined ? durationMs(f.window) : undefined,
          delayMs: f.delay !== undefined ? durationMs(f.delay) : undefined,
          pollMs: secondsMs(f.pollSeconds), timeoutMs: secondsMs(f.timeoutSeconds), maxWindows: f.maxWindows,
          requestPrefix: f.requestPrefix, directory: f.directory, target: f.target, now: options.now,
        }),
      });
    case 'http':
      return httpFeed({
        name, url: f.url,
        ...defined({
          apids: f.apids ? ranges(f.apids) : undefined,
          fromMs: f.window?.from !== undefined ? Date.parse(f.window.from) : undefined,
          toMs: f.window?.to !== undefined ? Date.parse(f.window.to) : undefined,
          maxPackets: f.maxPackets, timeoutMs: secondsMs(f.timeoutSeconds), tokenFile: dir(f.tokenFile), caFile: dir(f.caFile),
        }),
      });
    case 'drop-folder':
      return dropFolderFeed({
        name, dir: dir(f.dir)!,
        ...defined({ framing: f.framing, prefixBytes: f.prefixBytes, pollMs: secondsMs(f.pollSeconds), doneDir: dir(f.doneDir), rejectedDir: dir(f.rejectedDir) }),
      });
    case 'tcp':
    case 'udp': {
      const o = { name, host: f.host ?? '127.0.0.1', port: f.port, ...defined({ framing: f.framing, prefixBytes: f.prefixBytes, backoff: backoffOf(f.backoff), commitIntervalMs: secondsMs(f.commitIntervalSeconds) }) };
      return f.kind === 'tcp' ? tcpFeed(o) : udpFeed({ ...o, ...defined({ receiveBufferBytes: f.receiveBufferBytes }) });
    }
  }
}

/**
 * The feeds a mission configuration declares (none when it has no `feeds` section), in the order written.
 * @throws InputError listing every problem, located `file#/feeds/<name>/…`.
 */
export function feedsFromConfig(config: MissionConfig, options: FeedsFromConfigOptions = {}): Feed[] {
  const raw = config.raw !== null && typeof config.raw === 'object' ? (config.raw as Record<string, unknown>)['feeds'] : undefined;
  if (raw === undefined) return [];
  const fileName = config.file ?? 'configuration';
  const problems = feedsProblems(raw);
  if (problems.length) {
    const n = problems.length;
    throw new InputError(
      `${fileName}: ${n} problem${n === 1 ? '' : 's'} in the feeds section`,
      problems.map((p): Problem => ({ code: p.code, path: `${fileName}#/feeds${p.pointer}`, message: p.message })),
    );
  }
  const base = config.file !== undefined ? path.dirname(config.file) : process.cwd();
  return Object.entries(raw as Record<string, FeedConfig>)
    .filter(([, f]) => options.includeDisabled || f.enabled !== false)
    .map(([name, f]) => feedFromConfig(name, f, base, options));
}
