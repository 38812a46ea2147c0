/**
 * @module For the bus tests: where the built CLI is, the NATS server they use (`IDOC_NATS_URL`, default loopback),
 * and whether it answers with JetStream (the tests that need it skip visibly when not).
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from 'nats';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The CLI as `npm run build` makes it. */
export const BIN = path.join(ROOT, 'dist/bin/idoc.js');
export const BUILT = existsSync(BIN);
export const NATS_URL = process.env['IDOC_NATS_URL'] ?? 'nats://127.0.0.1:4222';

/** Why JetStream cannot be used (undefined: it answers). */
async function natsDown(): Promise<string | undefined> {
  try {
    const nc = await connect({ servers: NATS_URL, timeout: 2000 });
    await (await nc.jetstreamManager()).getAccountInfo();
    await nc.close();
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}
export const NATS_DOWN = await natsDown();

/**
 * `dir/idoc.json`: the sample mission renamed `mission`, a drop folder `drop` polled every 50 ms, the SIM routes
 * and the `archive` section given.
 */
export async function writeBusMission(dir: string, mission: string, archive: Record<string, unknown>): Promise<void> {
  const config = JSON.parse(await readFile(path.join(ROOT, 'fixtures/sample-mission/idoc.json'), 'utf8')) as Record<string, unknown> & { mission: Record<string, unknown> };
  delete config['$schema'];
  config.mission = { ...config.mission, name: mission };
  config['feeds'] = { drop: { kind: 'drop-folder', dir: 'drop', pollSeconds: 0.05 } };
  config['routes'] = { SIM_HK: { apids: [1100, 1101] }, SIM_SCI: { apids: [1110] }, SIM_EVT: { apids: [1120] } };
  config['archive'] = archive;
  await writeFile(path.join(dir, 'idoc.json'), JSON.stringify(config));
}
