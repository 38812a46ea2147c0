import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { configSchema, configSchemaPath, schemaProblems } from './index.js';
import type { ConfigFile, ConfigFileApid, ConfigFileCdsTime, ConfigFileCucTime, ConfigFileMission, ConfigFilePackets, ConfigFilePusA } from './types.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const sampleFile = path.join(repoRoot, 'fixtures/sample-mission/idoc.json');
const validDir = path.join(repoRoot, 'fixtures/config/valid');

type Json = Record<string, unknown>;
const isObj = (x: unknown): x is Json => x !== null && typeof x === 'object' && !Array.isArray(x);
const RESERVED = ['feeds', 'routes', 'products', 'archive', 'time', 'ephemeris'];

/** Follow a local `$ref` (`#/$defs/x`). */
function deref(schema: Json, node: Json): Json {
  const ref = node['$ref'];
  if (typeof ref !== 'string') return node;
  const target = ref.replace(/^#\//, '').split('/').reduce<unknown>((n, k) => (isObj(n) ? n[k] : undefined), schema);
  if (!isObj(target)) throw new Error(`unresolved ${ref}`);
  return target;
}

/** Every object schema with `properties`, by schema path (`if` conditions are tests, not definitions: skipped). */
function objectSchemas(node: unknown, at = '#', out: [string, Json][] = []): [string, Json][] {
  if (Array.isArray(node)) node.forEach((n, i) => objectSchemas(n, `${at}/${i}`, out));
  if (!isObj(node)) return out;
  if (isObj(node['properties'])) out.push([at, node]);
  for (const [k, v] of Object.entries(node)) if (k !== 'if') objectSchemas(v, `${at}/${k}`, out);
  return out;
}

/** Property names each object in the schema allows, keyed by a data path with `*` for array items. */
function schemaPaths(schema: Json): Set<string> {
  const out = new Set<string>();
  const walk = (node: Json, at: string): void => {
    const n = deref(schema, node);
    if (at !== '' && RESERVED.includes(at.slice(1))) return;
    const props = isObj(n['properties']) ? n['properties'] : {};
    for (const [k, v] of Object.entries(props)) {
      out.add(`${at}/${k}`);
      if (isObj(v)) walk(v, `${at}/${k}`);
    }
    if (isObj(n['items'])) walk(n['items'], `${at}/*`);
    for (const branch of Array.isArray(n['allOf']) ? n['allOf'] : []) if (isObj(branch) && isObj(branch['then'])) walk(branch['then'], at);
  };
  walk(schema, '');
  return out;
}

/** Property paths used in a document (same notation). */
function dataPaths(doc: unknown, at = '', out = new Set<string>()): Set<string> {
  if (Array.isArray(doc)) doc.forEach((d) => dataPaths(d, `${at}/*`, out));
  else if (isObj(doc) && !RESERVED.includes(at.slice(1))) {
    for (const [k, v] of Object.entries(doc)) {
      out.add(`${at}/${k}`);
      dataPaths(v, `${at}/${k}`, out);
    }
  }
  return out;
}

describe('schemas/config.schema.json', () => {
  const schema = configSchema();

  it('is draft 2020-12 and found from the module', () => {
    expect(schema['$schema']).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(configSchemaPath()).toBe(path.join(repoRoot, 'schemas/config.schema.json'));
  });

  it('validates the sample mission fixture, whose $schema points at it', () => {
    const sample = JSON.parse(readFileSync(sampleFile, 'utf8')) as Json;
    expect(schemaProblems(sample)).toEqual([]);
    expect(path.resolve(path.dirname(sampleFile), String(sample['$schema']))).toBe(configSchemaPath());
  });

  it('every valid fixture names the schema by a path that exists', () => {
    for (const f of readdirSync(validDir)) {
      const doc = JSON.parse(readFileSync(path.join(validDir, f), 'utf8')) as Json;
      if (doc['$schema'] !== undefined) expect(existsSync(path.resolve(validDir, String(doc['$schema']))), f).toBe(true);
    }
  });

  it('documents every property and definition with a description', () => {
    const missing: string[] = [];
    for (const [at, node] of objectSchemas(schema)) {
      for (const [k, v] of Object.entries(node['properties'] as Json)) {
        if (!isObj(v) || typeof deref(schema, v)['description'] !== 'string' && typeof v['description'] !== 'string') missing.push(`${at}/properties/${k}`);
      }
    }
    for (const [k, v] of Object.entries(schema['$defs'] as Json)) if (!isObj(v) || typeof v['description'] !== 'string') missing.push(`#/$defs/${k}`);
    expect(missing).toEqual([]);
  });

  it('closes every object (additionalProperties: false) except the reserved sections, which stay open', () => {
    const open = objectSchemas(schema)
      .filter(([, node]) => node['additionalProperties'] !== false)
      .map(([at]) => at);
    // The time object is closed by its cuc/cds branches (each additionalProperties: false), picked by `code`.
    expect(open).toEqual(['#/properties/packets/properties/time']);
    const props = schema['properties'] as Json;
    for (const name of RESERVED) {
      const s = props[name] as Json;
      expect(s['type']).toBe('object');
      expect(s['additionalProperties']).toBeUndefined();
      expect(String(s['description'])).toMatch(/own schema file config-/);
      // Editors complete the section through its own schema; any object is accepted here (the command checks it).
      expect(s['anyOf']).toEqual([{ $ref: `config-${name}.schema.json` }, true]);
      expect(schemaProblems({ mission: { name: 'M' }, [name]: { anything: { goes: [1] } } })).toEqual([]);
    }
  });

  it('keeps the TypeScript file types in step with the schema properties', () => {
    // Each table must name exactly the keys of its type (the compiler checks that) and of the schema (the test does).
    const keys = {
      root: { $schema: true, mission: true, packets: true, apids: true, feeds: true, routes: true, products: true, archive: true, time: true, ephemeris: true, preservation: true } satisfies Record<keyof ConfigFile, true>,
      mission: { name: true, spacecraft: true, instrument: true, spacecraftId: true } satisfies Record<keyof ConfigFileMission, true>,
      packets: { profile: true, crc: true, time: true, pusA: true, pusCSpareOctets: true, pusCUnsynchronisedTimeReference: true, maxPacketLength: true } satisfies Record<keyof ConfigFilePackets, true>,
      cuc: { code: true, coarseOctets: true, fineOctets: true, pField: true, epoch: true, epochScale: true, syncFlagInMsb: true } satisfies Record<keyof ConfigFileCucTime, true>,
      cds: { code: true, dayOctets: true, subMs: true, pField: true, epoch: true, epochScale: true } satisfies Record<keyof ConfigFileCdsTime, true>,
      pusA: { subcounter: true, destinationOctets: true, spareOctets: true, tcSourceOctets: true } satisfies Record<keyof ConfigFilePusA, true>,
      apid: { apid: true, apids: true, name: true, instrument: true, kind: true, periodSeconds: true, crc: true, description: true } satisfies Record<keyof ConfigFileApid, true>,
    };
    const props = (node: unknown): string[] => Object.keys((node as { properties: Json }).properties).sort();
    const root = schema['properties'] as Json;
    const defs = schema['$defs'] as Json;
    const packets = root['packets'] as Json;
    expect(Object.keys(keys.root).sort()).toEqual(props(schema));
    expect(Object.keys(keys.mission).sort()).toEqual(props(root['mission']));
    expect(Object.keys(keys.packets).sort()).toEqual(props(packets));
    expect(Object.keys(keys.cuc).sort()).toEqual(props(defs['cucTime']));
    expect(Object.keys(keys.cds).sort()).toEqual(props(defs['cdsTime']));
    expect(Object.keys(keys.pusA).sort()).toEqual(props((packets['properties'] as Json)['pusA']));
    expect(Object.keys(keys.apid).sort()).toEqual(props(defs['apidDeclaration']));
  });

  it('every schema property is exercised by at least one valid fixture', () => {
    const used = new Set<string>();
    for (const f of readdirSync(validDir)) dataPaths(JSON.parse(readFileSync(path.join(validDir, f), 'utf8')), '', used);
    const declared = schemaPaths(schema);
    expect(declared).toContain('/packets/time/subMs');
    expect(declared).toContain('/apids/*/periodSeconds');
    const unused = [...declared].filter((p) => !used.has(p));
    expect(unused).toEqual([]);
  });
});

describe('the precompiled config validator', () => {
  it('is what src/config/_validator-generate.ts makes of schemas/config.schema.json (npm run validators regenerates it)', async () => {
    const { readFileSync } = await import('node:fs');
    const { fileURLToPath } = await import('node:url');
    const { configValidatorCode } = await import('./_validator-generate.js');
    expect(readFileSync(fileURLToPath(new URL('./_validator.generated.ts', import.meta.url)), 'utf8')).toBe(configValidatorCode());
  });
});
