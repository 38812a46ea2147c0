import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { run } from '../idoc.js';
import type { Io } from '../../src/io.js';
import { InputError } from '../../src/errors.js';
import { envelope, errorEnvelope, IDOC_VERSION, jsonOut } from './json.js';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function idoc(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: Io = { out: (t) => void (out += t), err: (t) => void (err += t), errIsTty: false };
  const code = await run(args, io);
  return { code, out, err };
}

describe('the --json envelope (bin/cli/json.ts, idoc help json)', () => {
  it('wraps a result: command, version, ok, problems, result; bigints as decimal strings', () => {
    expect(envelope('routes', { a: 1 })).toEqual({ command: 'routes', version: IDOC_VERSION, ok: true, problems: [], a: 1, result: { a: 1 } });
    // The result's fields beside the envelope's (bare-object readers), but never over them.
    expect(envelope('x', { ok: 'mine', problems: 3, products: [1] })).toEqual({ command: 'x', version: IDOC_VERSION, ok: true, problems: [], products: [1], result: { ok: 'mine', problems: 3, products: [1] } });
    expect(Object.keys(envelope('x', [1, 2]))).toEqual(['command', 'version', 'ok', 'problems', 'result']);
    expect(envelope('x', [], { problems: ['one'] })).toMatchObject({ ok: false, problems: [{ message: 'one' }] });
    expect(envelope('x', null, { ok: false })).toMatchObject({ ok: false, problems: [] });
    expect(JSON.parse(jsonOut('tc decode', { v: 2n ** 64n }))).toMatchObject({ result: { v: '18446744073709551616' } });
    expect(jsonOut('serve', { url: 'u' }, { compact: true })).toBe(`{"command":"serve","version":"${IDOC_VERSION}","ok":true,"problems":[],"url":"u","result":{"url":"u"}}\n`);
  });

  it('a failed run is one line: ok false, no result, the error and its located problems', () => {
    const e = new InputError('c.json: 1 problem', [{ code: 'required', path: 'c.json#/mission', message: 'missing "name"' }]);
    const line = errorEnvelope('routes', e);
    expect(line.trimEnd()).not.toContain('\n');
    expect(JSON.parse(line)).toEqual({
      command: 'routes', version: IDOC_VERSION, ok: false, result: null,
      problems: [{ code: 'input', message: 'c.json: 1 problem' }, { code: 'required', path: 'c.json#/mission', message: 'missing "name"' }],
    });
  });

  it('end to end: a command answers in the envelope; a usage error with --json too (exit 2, one line on stderr)', async () => {
    const ok = await idoc(['time', 'convert', '--json', '2017-01-01T00:00:00Z']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out)).toMatchObject({ command: 'time convert', ok: true, problems: [], result: { tai: 1_861_920_037 } });
    const bad = await idoc(['archive', 'status', '--from', 'yesterday', '--json']);
    expect(bad.code).toBe(2);
    expect(bad.err.split('\n').filter(Boolean)).toHaveLength(1);
    expect(JSON.parse(bad.out)).toMatchObject({ command: 'archive status', ok: false, result: null, problems: [{ code: 'usage' }] });
  });

  it('no command prints bare JSON: every JSON.stringify written to stdout goes through jsonOut, but the NDJSON streams', () => {
    const ndjson = [/queryRecord\(rows\[i\]!/, /JSON\.stringify\(r\) : formatPacketLine/];
    const bare: string[] = [];
    for (const f of fs.readdirSync(path.join(BIN, 'commands')).filter((n) => n.endsWith('.ts') && !n.endsWith('.test.ts'))) {
      fs.readFileSync(path.join(BIN, 'commands', f), 'utf8').split('\n').forEach((line, i) => {
        if (/io\.out\(|lines\.push\(|sink\.write\(/.test(line) && /JSON\.stringify\(/.test(line) && !ndjson.some((r) => r.test(line))) bare.push(`${f}:${i + 1}`);
      });
    }
    expect(bare).toEqual([]);
  });
});
