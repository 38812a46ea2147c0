/**
 * @module Where the PDS4 common-dictionary schema files (IM 1.26.0.0 = `1Q00`) are found at run time.
 * Order: the explicit `schemaDir` option (CLI `--schema-dir`), then env `IDOC_PDS4_DIR`, then
 * `../shared/pds4` next to the idoc package root (found by walking up from this module to the
 * `package.json` named `idoc`, so it works from the sources and from `dist/`). Nothing is downloaded.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../../../src/errors.js';

/** Information model version of the bundled schema pair; labels must declare it (Schematron rule). */
export const INFORMATION_MODEL_VERSION = '1.26.0.0';
/** File names of the IM 1.26.0.0 common dictionary (XML Schema 1.0 and ISO Schematron, XSLT-2 binding). */
export const PDS4_XSD_FILE = 'PDS4_PDS_1Q00.xsd';
export const PDS4_SCH_FILE = 'PDS4_PDS_1Q00.sch';
/** The environment variable that overrides the default schema folder. */
export const SCHEMA_DIR_ENV = 'IDOC_PDS4_DIR';

/** Paths of the two schema files in one folder. */
export interface SchemaFiles {
  readonly dir: string;
  readonly xsd: string;
  readonly sch: string;
}

/** The idoc package root: the nearest ancestor of `from` holding a `package.json` named `idoc`. */
export function packageRoot(from: string = path.dirname(fileURLToPath(import.meta.url))): string | undefined {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const pj = path.join(dir, 'package.json');
    if (existsSync(pj)) {
      try {
        if ((JSON.parse(readFileSync(pj, 'utf8')) as { name?: unknown }).name === 'idoc') return dir;
      } catch {
        // not ours: keep walking up
      }
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** The default schema folder (`<package root>/../shared/pds4`), whether or not it exists. */
export function defaultSchemaDir(): string | undefined {
  const root = packageRoot();
  return root === undefined ? undefined : path.resolve(root, '../shared/pds4');
}

/**
 * Resolve the schema folder and check that both files are there.
 * @throws InputError (one line naming the folder and the missing file) when absent.
 */
export function resolveSchemaFiles(schemaDir?: string): SchemaFiles {
  const fromEnv = process.env[SCHEMA_DIR_ENV];
  const dir = schemaDir ?? (fromEnv !== undefined && fromEnv !== '' ? fromEnv : defaultSchemaDir());
  if (dir === undefined) {
    throw new InputError(`PDS4 schema folder not found: pass --schema-dir DIR or set ${SCHEMA_DIR_ENV}`);
  }
  const abs = path.resolve(dir);
  const files = { dir: abs, xsd: path.join(abs, PDS4_XSD_FILE), sch: path.join(abs, PDS4_SCH_FILE) };
  for (const f of [files.xsd, files.sch]) {
    if (!existsSync(f)) {
      throw new InputError(`${f}: PDS4 schema file missing (IM ${INFORMATION_MODEL_VERSION}); pass --schema-dir DIR or set ${SCHEMA_DIR_ENV}`);
    }
  }
  return files;
}
