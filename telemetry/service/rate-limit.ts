/**
 * @module Rate limits per token: a token bucket per key (token id, user, or client address when anonymous) of
 * `burst` requests, refilled at `perMinute / 60` a second. Idle buckets are forgotten so memory stays bounded.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  constructor(private readonly perMinute: number, private readonly burst: number, private readonly now: () => number = Date.now) {}

  /** Take one request for `key`: 0 when allowed, else the seconds until one is. */
  take(key: string): number {
    const t = this.now();
    const rate = this.perMinute / 60_000; // per ms
    let b = this.buckets.get(key);
    if (!b) {
      if (this.buckets.size > 100_000) this.prune(t);
      b = { tokens: this.burst, at: t };
      this.buckets.set(key, b);
    }
    b.tokens = Math.min(this.burst, b.tokens + (t - b.at) * rate);
    b.at = t;
    if (b.tokens >= 1) { b.tokens -= 1; return 0; }
    return (1 - b.tokens) / rate / 1000;
  }

  private prune(t: number): void {
    const full = this.burst / (this.perMinute / 60_000);
    for (const [k, b] of this.buckets) if (t - b.at >= full) this.buckets.delete(k);
  }
}
