/**
 * @module The OpenAPI 3.1 document, generated from the routes' own JSON Schemas (the ones Fastify's ajv checks):
 * path parameters, query parameters, request bodies and responses per status. OpenAPI 3.1 schemas are JSON
 * Schema 2020-12 (OAS 3.1 §4.8.24), so the route schemas go in as they are; shared ones (`problem#`) become
 * `#/components/schemas/…`.
 */
import type { RouteOptions } from 'fastify';
import { PROBLEM_SCHEMA, PROBLEM_TYPE } from './problem.js';

type Schema = Record<string, unknown>;

const refs = (s: unknown): unknown => {
  if (Array.isArray(s)) return s.map(refs);
  if (s && typeof s === 'object') {
    const o = s as Schema;
    if (o['$ref'] === 'problem#') return { $ref: '#/components/schemas/problem' };
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, refs(v)]));
  }
  return s;
};

/** Build the document for the registered routes. */
export function openApiDocument(routes: readonly RouteOptions[], server: string): Schema {
  const paths: Record<string, Record<string, Schema>> = {};
  for (const r of routes) {
    const methods = (Array.isArray(r.method) ? r.method : [r.method]).map((m) => String(m).toLowerCase()).filter((m) => m !== 'head');
    const schema = (r.schema ?? {}) as Schema;
    const url = r.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const parameters: Schema[] = [];
    for (const [where, key] of [['path', 'params'], ['query', 'querystring']] as const) {
      const s = schema[key] as { properties?: Record<string, Schema>; required?: string[] } | undefined;
      for (const [name, p] of Object.entries(s?.properties ?? {})) {
        parameters.push({ name, in: where, required: where === 'path' || (s?.required ?? []).includes(name), schema: refs(p), ...(p['description'] ? { description: p['description'] } : {}), ...(p['type'] === 'array' ? { explode: true } : {}) });
      }
    }
    const responses: Record<string, Schema> = {};
    for (const [status, s] of Object.entries((schema['response'] ?? {}) as Record<string, Schema>)) {
      const isProblem = (s as Schema)['$ref'] === 'problem#';
      const isEmpty = (s as Schema)['type'] === 'null';
      // A response given per media type (Fastify's `content` form) goes in as it is.
      if ((s as Schema)['content'] !== undefined) {
        responses[status] = { description: String((s as Schema)['description'] ?? 'OK'), content: refs((s as Schema)['content']) };
        continue;
      }
      responses[status] = {
        description: isProblem ? 'Problem details (RFC 9457)' : String((s as Schema)['description'] ?? (status.startsWith('2') ? 'OK' : status === '303' ? 'See Other (Location)' : status)),
        ...(isEmpty ? {} : { content: { [isProblem ? PROBLEM_TYPE : (s as Schema)['type'] === 'string' ? 'text/plain' : 'application/json']: { schema: refs(s) } } }),
      };
    }
    for (const m of methods) {
      const op: Schema = {
        operationId: `${m}${url.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase())}`,
        ...(schema['summary'] ? { summary: schema['summary'] } : {}),
        ...(schema['tags'] ? { tags: schema['tags'] } : {}),
        ...(parameters.length ? { parameters } : {}),
        ...(schema['body'] ? { requestBody: { required: true, content: Object.fromEntries(((schema['consumes'] as string[] | undefined) ?? ['application/json']).map((c) => [c, { schema: refs(schema['body']) }])) } } : {}),
        responses: Object.keys(responses).length ? responses : { 200: { description: 'OK' } },
      };
      (paths[url] ??= {})[m] = op;
    }
  }
  return {
    openapi: '3.1.0',
    info: { title: 'idoc Co-I access service', version: '0.1.0', description: 'Catalogue with facets, GeoJSON, EPN-TAP 2.0 over TAP 1.1, packets and parameters, UWS 1.1 jobs (TAP queries, packet extraction, parameter decoding, product rebuilds). Errors are RFC 9457 problem documents.' },
    servers: [{ url: server }],
    paths,
    components: {
      schemas: { problem: (({ $id: _id, ...rest }) => rest)(PROBLEM_SCHEMA as unknown as Schema & { $id: string }) },
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, basic: { type: 'http', scheme: 'basic' } },
    },
    security: [{}, { bearer: [] }, { basic: [] }],
  };
}
