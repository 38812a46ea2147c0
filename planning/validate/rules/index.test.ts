import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { validatorOf } from '../../plan/_json-schema.js';
import { RULE_MODULES } from './index.js';

const here = path.dirname(fileURLToPath(import.meta.url));

describe('rule registry (planning/validate/rules/index.ts)', () => {
  it('lists every rule module of the folder, once, each kind equal to its file name', () => {
    const files = readdirSync(here).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'index.ts').map((f) => f.replace(/\.ts$/, '')).sort();
    expect(RULE_MODULES.map((m) => m.kind).sort()).toEqual(files);
    expect(new Set(RULE_MODULES.map((m) => m.kind)).size).toBe(RULE_MODULES.length);
  });

  for (const m of RULE_MODULES) {
    it(`${m.kind}: options schema compiles, forbids unknown options and describes every option; messages are non-empty`, () => {
      expect(() => validatorOf(m.optionsSchema)).not.toThrow();
      expect(m.optionsSchema['additionalProperties']).toBe(false);
      const props = (m.optionsSchema['properties'] ?? {}) as Record<string, { description?: string }>;
      for (const [name, p] of Object.entries(props)) expect(p.description, `${m.kind}.${name}`).toBeTruthy();
      expect(Object.keys(m.messages).length).toBeGreaterThan(0);
      for (const text of Object.values(m.messages)) expect(text.length).toBeGreaterThan(10);
      expect(m.description.length).toBeGreaterThan(10);
    });
  }
});
