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
        const c = this.items[this.head]!;
        this.items[this.head++] = undefined as unknown as Uint8Array;
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
