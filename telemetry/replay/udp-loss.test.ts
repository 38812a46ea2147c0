/**
 * `replay --speed max` over UDP says what was lost (issue 13): against a receiver on this machine that cannot keep
 * up (its event loop is blocked while the replay runs), the replay reports the receiver socket's kernel drops, and
 * they account exactly for the datagrams that never arrived; exit 1. `--connect tcp://` with nothing listening says
 * to use --listen (an idoc tcp feed connects out too).
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import dgram from 'node:dgram';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { udpKernelDrops } from '../feeds/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'dist/bin/idoc.js');
const SAMPLE = path.join(ROOT, 'fixtures/sample/sim.pcap');
const haveProc = existsSync('/proc/net/udp');

describe.skipIf(!existsSync(BIN))('replay over UDP and TCP: what the receiver lost, what to do (needs dist/)', () => {
  it.skipIf(!haveProc)('reports the receiver\'s kernel drops, which match the datagrams that did not arrive (skipped without /proc/net/udp)', async () => {
    const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: 8192 });
    let received = 0;
    socket.on('message', () => { received++; });
    await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
    try {
      const port = socket.address().port;
      expect(await udpKernelDrops(port, false)).toBe(0);
      // spawnSync blocks this process: the receiver reads nothing while the replay runs.
      const r = spawnSync(process.execPath, [BIN, 'replay', SAMPLE, '--connect', `udp://127.0.0.1:${port}`, '--speed', 'max'], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(1);
      const m = /the receiver's socket dropped (\d+) datagram\(s\) during the replay/.exec(r.stderr);
      expect(m, r.stderr).not.toBeNull();
      const lost = Number(m![1]);
      expect(lost).toBeGreaterThan(0);
      for (let i = 0; i < 200 && received + lost < 705; i++) await new Promise((res) => setTimeout(res, 10));
      expect(received + lost).toBe(705);
    } finally {
      await new Promise<void>((r) => socket.close(() => r()));
    }
  }, 60_000);

  it('--connect tcp:// with nothing listening: exit 2, one line naming --listen', async () => {
    const s = net.createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const port = (s.address() as AddressInfo).port;
    await new Promise<void>((r) => s.close(() => r()));
    const r = spawnSync(process.execPath, [BIN, 'replay', SAMPLE, '--connect', `tcp://127.0.0.1:${port}`], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(new RegExp(`ECONNREFUSED.*--listen tcp://127\\.0\\.0\\.1:${port}`));
  });
});
