/**
 * @module Where a replay sends: `tcp://HOST:PORT` (connect), `udp://HOST:PORT` (one datagram per packet), or,
 * listening, `tcp://HOST:PORT` (wait for one client). IPv6 hosts in brackets: `tcp://[::1]:5000`.
 */
import { UsageError } from '../../src/errors.js';

export interface Endpoint {
  readonly protocol: 'tcp' | 'udp';
  readonly host: string;
  readonly port: number;
}

/**
 * Parse an endpoint URL; `allowed` restricts the protocols, `flag` names the option in messages.
 * Port 0 is accepted only when `anyPort` (a listener may take any free port).
 * @throws UsageError for anything else.
 */
export function parseEndpoint(flag: string, text: string, allowed: ReadonlyArray<'tcp' | 'udp'> = ['tcp', 'udp'], anyPort = false): Endpoint {
  const m = /^(tcp|udp):\/\/(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})\/?$/.exec(text);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535 || (port === 0 && !anyPort) || !(allowed as readonly string[]).includes(m[1]!)) {
    const forms = allowed.map((p) => `${p}://HOST:PORT`).join(' or ');
    throw new UsageError(`${flag} ${JSON.stringify(text)}: expected ${forms}`);
  }
  const host = m[2]!.startsWith('[') ? m[2]!.slice(1, -1) : m[2]!;
  return { protocol: m[1] as 'tcp' | 'udp', host, port };
}

export const endpointUrl = (e: Endpoint): string => `${e.protocol}://${e.host.includes(':') ? `[${e.host}]` : e.host}:${e.port}`;
