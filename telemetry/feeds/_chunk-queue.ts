/**
 * @module A push → pull bridge for socket data: producers `push` chunks and `end` or `fail` it; one consumer
 * iterates it. Unbounded (UDP has no flow control; TCP sockets are paused by the caller when it grows).
 */

export class ChunkQueue implements AsyncIterable<Uint8Array> {
  private readonly items: Uint8Array[] = [];
  private head = 0;
  private done = false;
  private error: unknown = undefined;
  private wake: (() => void) | undefined;
  /** Bytes waiting to be read. */
  queuedBytes = 0;
  /** Called when the consumer has taken everything queued (resume a paused source). */
  onDrain: (() => void) | undefined;
  /**
   * Stream sources (TCP): chunks waiting together are handed over as one, up to this many bytes (fewer, larger
   * batches downstream). 0 (default): one chunk per push, as datagrams need.
   */
  coalesceBytes = 0;

  push(chunk: Uint8Array): void {
    if (this.done) return;
    this.items.push(chunk);
    this.queuedBytes += chunk.length;
    this.signal();
  }

  end(): void {
    this.done = true;
    this.signal();
  }

  fail(e: unknown): void {
    if (this.done) return;
    this.error = e ?? new Error('failed');
    this.done = true;
    this.signal();
  }

  private signal(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    for (;;) {
      if (this.head < this.items.length) {
        let c = this.items[this.head]!;
        this.items[this.head++] = undefined as unknown as Uint8Array;
        if (this.coalesceBytes > 0 && this.head < this.items.length && c.length < this.coalesceBytes) {
          const parts = [c];
          let size = c.length;
          while (this.head < this.items.length && size + this.items[this.head]!.length <= this.coalesceBytes) {
            const next = this.items[this.head]!;
            this.items[this.head++] = undefined as unknown as Uint8Array;
            parts.push(next);
            size += next.length;
          }
          if (parts.length > 1) c = Buffer.concat(parts, size);
        }
        this.queuedBytes -= c.length;
        if (this.head === this.items.length) {
          this.items.length = 0;
          this.head = 0;
          this.onDrain?.();
        }
        yield c;
        continue;
      }
      if (this.done) {
        if (this.error !== undefined) throw this.error;
        return;
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }
}
