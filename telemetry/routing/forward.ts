/**
 * @module Forwarding packets to a TCP consumer (`tcp://host:port`): a client that connects, reconnects with
 * exponential backoff when the consumer goes away, and queues packets meanwhile up to a cap (then counts them as
 * dropped: the archive, not the forward, is the record).
 */
import net from 'node:net';

export interface ForwarderOptions {
  /** Bytes queued while disconnected before packets are dropped. Default 16 MiB. */
  readonly maxQueuedBytes?: number;
  /** First reconnect delay, ms. Default 100. */
  readonly initialBackoffMs?: number;
  /** Longest reconnect delay, ms. Default 5000. */
  readonly maxBackoffMs?: number;
}

export interface ForwarderStats {
  readonly url: string;
  readonly sentPackets: number;
  readonly droppedPackets: number;
  readonly queuedBytes: number;
  readonly connected: boolean;
  readonly connects: number;
}

/** Parse `tcp://host:port`. */
export function parseTcpUrl(url: string): { host: string; port: number } {
  const m = /^tcp:\/\/([^\s:/]+):(\d{1,5})$/.exec(url);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port < 1 || port > 65535) throw new Error(`${url}: expected tcp://host:port`);
  return { host: m[1]!, port };
}

export class TcpForwarder {
  private socket: net.Socket | undefined;
  private connected = false;
  private closed = false;
  private queue: Buffer[] = [];
  private queued = 0;
  private backoff: number;
  private timer: NodeJS.Timeout | undefined;
  private sent = 0;
  private dropped = 0;
  private connects = 0;
  private readonly host: string;
  private readonly port: number;
  private readonly maxQueued: number;

  constructor(readonly url: string, private readonly opts: ForwarderOptions = {}) {
    ({ host: this.host, port: this.port } = parseTcpUrl(url));
    this.maxQueued = opts.maxQueuedBytes ?? 16 << 20;
    this.backoff = opts.initialBackoffMs ?? 100;
    this.connect();
  }

  private connect(): void {
    if (this.closed) return;
    const s = net.connect({ host: this.host, port: this.port });
    this.socket = s;
    s.setNoDelay(true);
    s.on('connect', () => {
      this.connected = true;
      this.connects++;
      this.backoff = this.opts.initialBackoffMs ?? 100;
      this.drain();
    });
    s.on('drain', () => this.drain());
    s.on('error', () => undefined); // followed by 'close'
    s.on('close', () => {
      this.connected = false;
      this.socket = undefined;
      if (this.closed) return;
      this.timer = setTimeout(() => this.connect(), this.backoff);
      this.backoff = Math.min(this.backoff * 2, this.opts.maxBackoffMs ?? 5000);
    });
  }

  private drain(): void {
    const s = this.socket;
    while (this.connected && s && this.queue.length && !s.writableNeedDrain) {
      const b = this.queue.shift()!;
      this.queued -= b.length;
      s.write(b);
      this.sent++;
    }
  }

  /** Queue one packet (copied: the caller's buffer may be reused). */
  send(packet: Uint8Array): void {
    if (this.closed) return;
    if (this.queued + packet.length > this.maxQueued) {
      this.dropped++;
      return;
    }
    const b = Buffer.from(packet); // copies
    this.queue.push(b);
    this.queued += b.length;
    if (this.connected) this.drain();
  }

  stats(): ForwarderStats {
    return { url: this.url, sentPackets: this.sent, droppedPackets: this.dropped + (this.closed ? this.queue.length : 0), queuedBytes: this.queued, connected: this.connected, connects: this.connects };
  }

  /** Wait up to `timeoutMs` for the queue to empty, then close. Packets still queued count as dropped. */
  async close(timeoutMs = 2000): Promise<ForwarderStats> {
    const end = Date.now() + timeoutMs;
    while (this.queue.length && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    const s = this.socket;
    if (s) await new Promise<void>((resolve) => { s.end(() => resolve()); setTimeout(() => { s.destroy(); resolve(); }, 500).unref(); });
    return this.stats();
  }
}
