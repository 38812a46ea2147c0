/**
 * @module The package as a library (issue 15): `npm pack` the built package, install the tarball into a temporary
 * project (unpacked into its node_modules; the dependencies linked from this checkout's node_modules: nothing is
 * downloaded), then compile a script importing every entry point with the package's type declarations — and the
 * README's Library examples — with tsc, strict, and run them. Needs the build (`npm test` builds first).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BUILT = fs.existsSync(path.join(ROOT, 'dist/src/index.d.ts'));
const TSC = path.join(ROOT, 'node_modules/typescript/bin/tsc');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'idoc-pack-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** The ```ts blocks of the README's Library section. */
function readmeExamples(): string[] {
  const text = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const start = text.indexOf('\n## Library');
  const section = text.slice(start, text.indexOf('\n## ', start + 5));
  return [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

/** Every entry point, used with its types; a compile error here is a broken declaration. */
const ENTRY_POINTS = `
import { InputError, PacketType, asTai, crc16, decodePrimaryHeader, loadMission, utcToTai, type ArchiveReader, type PacketView, type Tai, type TmDatabase, type UtcUnix } from 'idoc';
import { openPacketFile, splitBuffer, type FramedPacket } from 'idoc/telemetry';
import { loadTcDatabase, type TcDatabase } from 'idoc/telecommand';
import { plan, validatePlan } from 'idoc/planning';
import type { ArchiveWriter, ProductRecord } from 'idoc/archive';
import { openSqliteArchiveReader, openSqliteArchiveWriter } from 'idoc/archive/sqlite';

const t: Tai = utcToTai('2026-01-01T00:00:00Z');
// @ts-expect-error a UTC instant is not a TAI instant
const wrong: Tai = (0 as UtcUnix);
const view: PacketView | undefined = undefined as FramedPacket | undefined;
const h = decodePrimaryHeader(Uint8Array.of(0x08, 0x4c, 0xc0, 0x01, 0x00, 0x00), 0);
const kinds: [typeof openSqliteArchiveReader, typeof openSqliteArchiveWriter, typeof openPacketFile, typeof validatePlan, typeof plan.loadPlan, typeof loadTcDatabase] =
  [openSqliteArchiveReader, openSqliteArchiveWriter, openPacketFile, validatePlan, plan.loadPlan, loadTcDatabase];
type Used = [ArchiveReader, ArchiveWriter, ProductRecord, TmDatabase, TcDatabase, typeof wrong, typeof view];
const mission = await loadMission('fixtures/sample-mission/idoc.json');
const split = splitBuffer(new Uint8Array(0));
console.log(JSON.stringify({
  tai: t === asTai(t), apid: h.apid, type: h.type === PacketType.TM, crc: crc16(Uint8Array.of(0x31, 0x32, 0x33)), profile: mission.profile !== 'auto',
  input: new InputError('x') instanceof Error, kinds: kinds.length, packets: split.batch.packets.length, used: ([] as Used[]).length,
}));
`;

describe('the packed package', () => {
  it.skipIf(!BUILT)('installs into a fresh project and every entry point imports, type-checks and runs (README Library examples too)', () => {
    const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const [{ filename, files }] = JSON.parse(out) as [{ filename: string; files: { path: string }[] }];
    const paths = files.map((f) => f.path);
    expect(paths).toContain('dist/src/index.d.ts');
    expect(paths.some((p) => p.startsWith('dist/bench/') || /\.test\.(js|d\.ts)$/.test(p))).toBe(false);
    // Source maps carry their sources (inlineSources): no map points at a file the package does not ship.
    const map = JSON.parse(execFileSync('tar', ['-xzOf', path.join(work, filename), 'package/dist/src/index.js.map'], { encoding: 'utf8' })) as { sources: string[]; sourcesContent?: string[] };
    expect(map.sourcesContent?.length).toBe(map.sources.length);

    const app = path.join(work, 'app');
    const modules = path.join(app, 'node_modules');
    fs.mkdirSync(path.join(modules, 'idoc'), { recursive: true });
    execFileSync('tar', ['-xzf', path.join(work, filename), '-C', path.join(modules, 'idoc'), '--strip-components=1']);
    for (const dep of fs.readdirSync(path.join(ROOT, 'node_modules'))) {
      if (dep === 'idoc' || dep.startsWith('.')) continue;
      fs.symlinkSync(path.join(ROOT, 'node_modules', dep), path.join(modules, dep));
    }
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    // skipLibCheck: slimdom's own declarations fail under exactOptionalPropertyTypes; idoc's are still what the code
    // below is checked against (the @ts-expect-error fails if a type degrades to any).
    fs.writeFileSync(path.join(app, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true, types: ['node'], outDir: 'out', skipLibCheck: true },
      include: ['*.ts'],
    }));
    const examples = readmeExamples();
    expect(examples.length).toBe(4);
    fs.writeFileSync(path.join(app, 'entry-points.ts'), ENTRY_POINTS);
    examples.forEach((code, i) => fs.writeFileSync(path.join(app, `readme-${i + 1}.ts`), `${code}\nexport {};\n`));
    try {
      execFileSync(process.execPath, [TSC, '-p', app], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      throw new Error(`tsc on the packed package: ${(e as { stdout?: string }).stdout ?? (e as Error).message}`);
    }
    const runJs = (file: string) => execFileSync(process.execPath, [path.join(app, 'out', file)], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(JSON.parse(runJs('entry-points.js'))).toEqual({ tai: true, apid: 76, type: true, crc: 0x5bce, profile: true, input: true, kinds: 6, packets: 0, used: 0 });
    // The README examples that need only the repository's fixtures run as written.
    const dds = runJs('readme-1.js').trim().split('\n');
    expect(dds.length).toBeGreaterThan(100);
    expect(dds[0]).toMatch(/^\d+ \d+ \d+$/);
    expect(runJs('readme-2.js')).toMatch(/\S+ \d+ \d+/);
    expect(runJs('readme-3.js')).toMatch(/\S/);
  }, 180_000);
});
