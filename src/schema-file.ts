/**
 * @module Where the package's JSON Schemas are: `schemas/<name>` found above this module, so the same code works
 * from the sources (tests) and from `dist/` (the installed command).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const found = new Map<string, string>();

/**
 * Absolute path of `schemas/<name>`.
 * @throws Error when the package has no such schema (a broken install).
 */
export function schemaFile(name: string): string {
  const hit = found.get(name);
  if (hit !== undefined) return hit;
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (let dir = here; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'schemas', name);
    if (existsSync(candidate)) {
      found.set(name, candidate);
      return candidate;
    }
    if (path.dirname(dir) === dir) throw new Error(`schemas/${name} not found above ${here}`);
  }
}
