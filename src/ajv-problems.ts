/**
 * @module ajv errors as problems located by JSON pointer (`file#/pointer`), with short messages: the form the
 * TC database, plan, request and rule files report. (The mission config has its own, wordier, form in
 * src/config/schema-problems.ts.)
 */
import type { ErrorObject } from 'ajv';
import { pointerToken } from './config/schema-problems.js';
import type { Problem } from './errors.js';

/** One problem per ajv error (`if` errors dropped: the failing `then` is reported); `prefix` goes before each pointer. */
export function ajvProblemsAt(errors: readonly ErrorObject[] | null | undefined, fileName: string, prefix = ''): Problem[] {
  const out: Problem[] = [];
  for (const e of errors ?? []) {
    if (e.keyword === 'if') continue;
    const params = e.params as Record<string, unknown>;
    let pointer = prefix + e.instancePath;
    let message = e.message ?? 'invalid';
    if (e.keyword === 'required') {
      pointer += `/${pointerToken(String(params['missingProperty']))}`;
      message = 'required property is missing';
    } else if (e.keyword === 'additionalProperties') {
      pointer += `/${pointerToken(String(params['additionalProperty']))}`;
      message = 'unknown property';
    } else if (e.keyword === 'enum') message += `: ${JSON.stringify(params['allowedValues'])}`;
    else if (e.keyword === 'const') message += `: ${JSON.stringify(params['allowedValue'])}`;
    else if (e.keyword === 'not') message = 'property not allowed here';
    out.push({ code: e.keyword, path: `${fileName}#${pointer || '/'}`, message });
  }
  return out;
}
