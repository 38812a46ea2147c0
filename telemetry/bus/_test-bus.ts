/**
 * @module For the bus tests: where the built CLI is, the NATS server they use (`IDOC_NATS_URL`, default loopback),
 * and whether it answers with JetStream (the tests that need it skip visibly when not).
 */
import { existsSync } from 'node:fs';
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
