/**
 * @module Receipt times of an archive's batches (schema 2 `receipts`: where each batch's first packet went, `raw`,
 * and when the batch was received, Unix ms): a packet without a ground time of its own was received with the batch
 * whose first packet is the last one at or before it. One lookup for the SQLite store's object reads and columnar
 * scan and the PostgreSQL reader.
 */

/** The receipts, ascending by `raw`. */
export interface Receipts {
  readonly raw: Float64Array;
  readonly received: Float64Array;
}

/**
 * The index of the receipt of the batch `raw` came with (the last at or before it), -1 when none. `hint`: the index
 * found last (rows read in order come batch after batch: it and the next one are tried first).
 */
export function receiptIndex(r: Receipts, raw: number, hint = -1): number {
  const at = r.raw;
  if (hint >= 0 && hint < at.length && at[hint]! <= raw && (hint + 1 === at.length || at[hint + 1]! > raw)) return hint;
  let lo = 0, hi = at.length - 1, found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (at[mid]! <= raw) { found = mid; lo = mid + 1; } else hi = mid - 1;
  }
  return found;
}

/** The receipt time (Unix ms) of the batch `raw` came with; NaN when no receipt is at or before it. */
export function receivedAt(r: Receipts, raw: number): number {
  const k = receiptIndex(r, raw);
  return k < 0 ? NaN : r.received[k]!;
}
