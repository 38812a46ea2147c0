/**
 * @module The `products` section of the mission configuration, checked against
 * `schemas/config-products.schema.json` (ajv, draft 2020-12) and resolved with its defaults. Problems are
 * reported like the rest of the config: an InputError whose problems carry `file#/pointer`.
 */
import type { ErrorObject } from 'ajv';
import path from 'node:path';
import { apidItems, routeTable, type MissionConfig } from '../../src/config/index.js';
import { ajvErrorsToProblems } from '../../src/config/schema-problems.js';
import { validateProducts } from './_validator.generated.js';
import { InputError, UsageError } from '../../src/errors.js';
import { utcToTai } from '../../src/time/index.js';
import type { Compression } from './process.js';
import { parseWindow, type WindowSpec } from './window.js';

/** One resolved route. */
export interface RouteConfig {
  readonly name: string;
  /** Inclusive APID ranges. */
  readonly apids: readonly (readonly [number, number])[];
  readonly reassemble: boolean;
  readonly compression: Compression;
  readonly framesFile: boolean;
  readonly title: string;
  readonly instrument: string;
  /** `Primary_Result_Summary/purpose`: configured, else from the APID kinds (science → Science, else Engineering). */
  readonly purpose: 'Science' | 'Engineering';
  readonly subInstrument?: { readonly identifier: string; readonly name: string; readonly type?: string };
  /** Instrument context LID (else the products `context.instrument`). */
  readonly instrumentLid?: string;
}

interface RouteInput {
  apids?: (number | [number, number])[]; reassemble?: boolean; compression?: Compression; framesFile?: boolean; title?: string; instrument?: string;
  purpose?: 'Science' | 'Engineering'; subInstrument?: { identifier: string; name: string; type?: string }; instrumentLid?: string;
}

/** The resolved `products` section. */
export interface ProductsConfig {
  /** `urn:<agency>:<authority>:<bundle>`. */
  readonly bundle: string;
  readonly collection: string;
  readonly window: WindowSpec;
  /** Ephemeris for orbit windows: the file (resolved against the config file's folder) and the object in it. */
  readonly orbitSource: { readonly file: string; readonly object?: string } | undefined;
  readonly processingLevel: 'Telemetry' | 'Raw';
  readonly target: { readonly name: string; readonly type: string };
  readonly curatingFacility: string | undefined;
  readonly timeRange: { readonly minTai: number; readonly maxTai: number };
  readonly maxSegments: number;
  readonly maxFrameLength: number;
  /** Context-product LIDs the labels reference. */
  readonly context: { readonly investigation?: string; readonly instrumentHost?: string; readonly instrument?: string; readonly target?: string };
  /** Mission phases (TAI bounds, `to` exclusive). */
  readonly missionPhases: readonly { readonly name: string; readonly id: string; readonly fromTai: number; readonly toTai: number }[];
  /** Geometry products beside L0 (when an ephemeris is named and not disabled). */
  readonly geometry: { readonly step: number; readonly collection: string } | undefined;
  /** Routes; when none are configured or declared, one route per APID seen (`apid_<n>`). */
  readonly routes: readonly RouteConfig[];
  /**
   * The config's ingest routes (`routes` section) as product routes, for `--route NAME` naming one of them when
   * it is not a products route (`selectRoutes`).
   */
  readonly ingestRoutes: readonly RouteConfig[];
}

export const PRODUCTS_SCHEMA_FILE = 'config-products.schema.json';

/** The precompiled validator of schemas/config-products.schema.json (_validator-generate.ts, `npm run validators`). */
const validate = (): ((data: unknown) => boolean) & { errors?: ErrorObject[] | null } => validateProducts as never;

const idToken = (s: string): string => s.toLowerCase().replace(/[^a-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '') || 'x';

/**
 * Resolve the products section of a loaded mission config (defaults when absent).
 * @throws InputError with one problem per schema defect, each `file#/products/…`.
 */
export function productsConfig(config: MissionConfig): ProductsConfig {
  const raw = (config.raw !== null && typeof config.raw === 'object' ? (config.raw as Record<string, unknown>)['products'] : undefined) ?? {};
  const v = validate();
  if (!v(raw)) {
    const file = config.file ?? '(defaults)';
    const problems = ajvErrorsToProblems(v.errors ?? []).map((p) => ({ code: p.code, path: `${file}#/products${p.pointer}`, message: p.message }));
    throw new InputError(`${file}: the products section has ${problems.length} problem(s)`, problems);
  }
  const s = raw as {
    bundle?: string; collection?: string; window?: string; ephemeris?: string; object?: string; processingLevel?: 'Telemetry' | 'Raw';
    target?: { name: string; type?: string }; curatingFacility?: string; plausibleTime?: { from: string; to: string };
    maxSegments?: number; maxFrameLength?: number;
    context?: ProductsConfig['context'];
    missionPhases?: { name: string; id: string; from: string; to: string }[];
    geometry?: { enabled?: boolean; step?: number; collection?: string };
    routes?: Record<string, RouteInput>;
  };
  const mission = config.mission;
  const instrument = mission.instrument ?? mission.name;
  // Science when any APID of the route is declared science or not declared at all; Engineering otherwise.
  const purposeOf = (apids: readonly (readonly [number, number])[]): 'Science' | 'Engineering' => {
    for (const [a, b] of apids) {
      for (let x = a; x <= b; x++) {
        const d = config.apids.find((e) => x >= e.apids.from && x <= e.apids.to);
        if (d === undefined || d.kind === 'science') return 'Science';
      }
    }
    return 'Engineering';
  };
  const route = (name: string, apids: (readonly [number, number])[], r: RouteInput = {}): RouteConfig => {
    const reassemble = r.reassemble ?? false;
    const compression = r.compression ?? 'none';
    return {
      name, apids, reassemble, compression,
      framesFile: r.framesFile ?? (reassemble || compression !== 'none'),
      title: r.title ?? `${mission.name} ${r.instrument ?? instrument} L0 ${name}`,
      instrument: r.instrument ?? instrument,
      purpose: r.purpose ?? purposeOf(apids),
      ...(r.subInstrument ? { subInstrument: r.subInstrument } : {}),
      ...(r.instrumentLid ? { instrumentLid: r.instrumentLid } : {}),
    };
  };
  const routes = s.routes !== undefined
    ? Object.entries(s.routes).map(([name, r]) => route(name, apidItems(r.apids!), r))
    : config.apids.map((d) => route(d.name, [[d.apids.from, d.apids.to]], d.instrument !== undefined ? { instrument: d.instrument } : {}));
  // The ingest routes of the mission's one route table (src/config/routes.ts), as product streams.
  const table = routeTable(config);
  const ingestRoutes = table.origin === 'config' ? table.routes.filter((r) => r.apids.length > 0).map((r) => route(r.name, [...r.apids])) : [];
  return {
    ingestRoutes,
    bundle: s.bundle ?? `urn:esa:psa:${idToken(`${mission.name}_${instrument}`)}`,
    collection: s.collection ?? 'data_raw',
    window: parseWindow(s.window ?? 'day'),
    orbitSource: s.ephemeris === undefined ? undefined : {
      file: path.resolve(config.file !== undefined ? path.dirname(config.file) : '.', s.ephemeris),
      ...(s.object !== undefined ? { object: s.object } : {}),
    },
    processingLevel: s.processingLevel ?? 'Raw',
    target: { name: s.target?.name ?? 'Earth', type: s.target?.type ?? 'Planet' },
    curatingFacility: s.curatingFacility,
    timeRange: {
      minTai: utcToTai(s.plausibleTime?.from ?? '1990-01-01T00:00:00Z'),
      maxTai: utcToTai(s.plausibleTime?.to ?? '2100-01-01T00:00:00Z'),
    },
    maxSegments: s.maxSegments ?? 4096,
    maxFrameLength: s.maxFrameLength ?? 16 << 20,
    context: s.context ?? {},
    missionPhases: (s.missionPhases ?? []).map((m) => ({ name: m.name, id: m.id, fromTai: utcToTai(m.from), toTai: utcToTai(m.to) })),
    geometry: s.ephemeris === undefined || s.geometry?.enabled === false ? undefined : { step: s.geometry?.step ?? 60, collection: s.geometry?.collection ?? 'geometry' },
    routes,
  };
}

/** Product-id token of a route name (`SIM_SCI` → `sim_sci`). */
export const routeToken = idToken;

/**
 * The APID ranges of routes named on the command line (`archive query --route`, Co-I grants): a products route
 * by its name, else an ingest route (`routes` section) by its name, as `selectRoutes` resolves them.
 * @throws UsageError naming the unknown routes and the known ones; none are known when nothing is configured or
 * declared, and then every name is refused (the archive's streams have no names to grant or select).
 */
export function apidsOfNamedRoutes(cfg: ProductsConfig, names: readonly string[], flag = '--route'): [number, number][] {
  const byName = new Map<string, RouteConfig>();
  for (const r of [...cfg.routes, ...cfg.ingestRoutes]) if (!byName.has(r.name)) byName.set(r.name, r);
  const unknown = names.filter((n) => !byName.has(n));
  if (unknown.length) {
    throw new UsageError(`${flag} ${unknown.join(', ')}: not a configured route (${byName.size ? [...byName.keys()].join(', ') : 'none configured or declared'})`);
  }
  return names.flatMap((n) => byName.get(n)!.apids.map(([lo, hi]): [number, number] => [lo, hi]));
}

/**
 * The products config restricted to the routes `names` (`l0 build --route`): a products route by its name; else
 * an ingest route of the config (`routes` section) by its name, built as one product stream of its APIDs; else,
 * when no routes are configured or declared, `apid_<n>`. Returns the config (ingest routes added) and the names.
 * @throws UsageError naming the first unknown route and the known ones (never an empty build with exit 0).
 */
export function selectRoutes(cfg: ProductsConfig, names: readonly string[]): ProductsConfig {
  const routes = [...cfg.routes];
  for (const name of names) {
    if (routes.some((r) => r.name === name)) continue;
    const ingest = cfg.ingestRoutes.find((r) => r.name === name);
    if (ingest) { routes.unshift(ingest); continue; }
    const apid = /^apid_(\d+)$/.exec(name);
    if (cfg.routes.length === 0 && apid && Number(apid[1]) <= 2047) continue;
    const known = [...new Set([...cfg.routes, ...cfg.ingestRoutes].map((r) => r.name))];
    throw new UsageError(`--route ${JSON.stringify(name)}: not a configured route (${known.length ? known.join(', ') : 'none configured: routes are apid_<n>'})`);
  }
  return { ...cfg, routes };
}
