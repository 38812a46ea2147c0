/**
 * @module A product's label validated now, for the console's product detail: the PDS4 IM 1.26.0.0 XML Schema and
 * Schematron checks that `idoc l0 validate` and the L0 chain run (telemetry/products/pds4, in process), on the
 * label as it is on disk at the request, with the time it ran. Someone else's product is undefined (404).
 */
import path from 'node:path';
import { InputError } from '../../src/errors.js';
import { INFORMATION_MODEL_VERSION } from '../products/pds4/schema-dir.js';
import { validateLabel } from '../products/pds4/index.js';
import { product, type ConsoleSources } from './console-data.js';
import type { ConsoleUser } from './console-auth.js';

export async function productValidation(src: ConsoleSources, user: ConsoleUser, id: string) {
  const p = await product(src, user, id);
  if (!p) return undefined;
  const checkedAt = new Date().toISOString();
  const label = path.basename(p.entry.label);
  try {
    const problems = await validateLabel(p.labelText, label, src.schemaDir !== undefined ? { schemaDir: src.schemaDir } : {});
    const errors = problems.filter((x) => x.severity === 'error').length;
    return {
      checked: true as const, checkedAt, label, informationModel: INFORMATION_MODEL_VERSION, valid: errors === 0, errors, warnings: problems.length - errors,
      problems: problems.map((x) => ({ line: x.line ?? null, severity: x.severity, source: x.source, rule: x.rule ?? null, message: x.message })),
    };
  } catch (e) {
    // No schema folder: say so (the page shows it) rather than fail the detail.
    if (e instanceof InputError) return { checked: false as const, checkedAt, label, reason: e.message };
    throw e;
  }
}
