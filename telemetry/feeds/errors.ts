/**
 * @module The one error a feed throws when it cannot deliver: a DDS answer that did not come in time, an HTTP
 * feed that refused or dropped the transfer. Ingest reports it, leaves the feed's cursor where it was and
 * retries later (with backoff in the daemon).
 */

/** Why a feed failed. */
export type FeedErrorCode =
  /** The DDS did not deliver `<id>.DAT` within the timeout (the request stays; the window is asked again next run). */
  | 'timeout'
  /** The feed server answered with an error status or an unusable response. */
  | 'http'
  /** The transfer ended before all announced bytes arrived. */
  | 'dropped'
  /** The feed could not be reached (connection refused, folder missing). */
  | 'unreachable'
  /** The stored cursor is not one this feed wrote. */
  | 'cursor';

export class FeedError extends Error {
  override readonly name = 'FeedError';
  constructor(readonly feed: string, readonly code: FeedErrorCode, message: string, options?: ErrorOptions) {
    super(`feed ${feed}: ${message}`, options);
  }
}
