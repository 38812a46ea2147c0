import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError, UsageError } from '../errors.js';
import { defaultConfig, resolveConfig } from './index.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const sampleDir = path.join(repoRoot, 'fixtures/sample-mission');
const empty = mkdtempSync(path.join(tmpdir(), 'idoc-resolve-'));
afterAll(() => rmSync(empty, { recursive: true, force: true }));

describe('resolveConfig()', () => {
  it('uses ./idoc.json when present, with flags on top', async () => {
    const c = await resolveConfig({ crc: 'no' }, sampleDir);
    expect(c.file).toBe(path.join(sampleDir, 'idoc.json'));
    expect(c.mission.instrument).toBe('SIM');
    expect(c.profile.crc).toBe('no');
    expect(c.profile.time.epochTai).toBe(15340 * 86_400 + 32);
  });

  it('uses the defaults when there is no file', async () => {
    expect(await resolveConfig({}, empty)).toEqual(defaultConfig());
    expect((await resolveConfig({ profile: 'rosetta' }, empty)).profile.secondaryHeader).toBe('rosetta');
  });

  it('fails on a --config that does not exist, and on a bad flag', async () => {
    await expect(resolveConfig({ config: 'missing.json' }, empty)).rejects.toBeInstanceOf(InputError);
    await expect(resolveConfig({ config: 'idoc.json', crc: 'sometimes' }, sampleDir)).rejects.toBeInstanceOf(UsageError);
  });
});
