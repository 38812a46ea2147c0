/**
 * @module Kernel drops of a UDP socket: the `drops` column of `/proc/net/udp` (and `udp6`) for the socket bound to
 * a local port (Linux; undefined elsewhere or when the file cannot be read). The count is the socket's since it was
 * created: datagrams the kernel threw away because the receive buffer was full.
 */
import { readFile } from 'node:fs/promises';

/** The drops of the socket bound to `port` in a `/proc/net/udp` text, or undefined when no line matches. */
export function dropsInProcNetUdp(text: string, port: number): number | undefined {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  let found: number | undefined;
  for (const line of text.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 13) continue;
    const local = cols[1]!;
    if (local.slice(local.indexOf(':') + 1) !== hexPort) continue;
    const drops = Number(cols[cols.length - 1]);
    if (Number.isFinite(drops)) found = (found ?? 0) + drops;
  }
  return found;
}

/** Drops of the UDP socket bound to `port` (IPv4 or IPv6), when the system tells. */
export async function udpKernelDrops(port: number, ipv6: boolean): Promise<number | undefined> {
  try {
    return dropsInProcNetUdp(await readFile(ipv6 ? '/proc/net/udp6' : '/proc/net/udp', 'utf8'), port);
  } catch {
    return undefined;
  }
}
