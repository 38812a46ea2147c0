/**
 * @module The feed server's request gate: what a request line may be before anything else looks at it.
 * Plain data in, a route or a refusal out; never throws, whatever the bytes (the server fuzzes it in its tests).
 *
 * - Methods: GET and HEAD; anything else → 405 (with `Allow`).
 * - Target: origin-form only (`/path?query`, RFC 9112 §3.2.1), at most {@link MAX_TARGET_LENGTH} characters, no
 *   control characters or spaces; absolute URIs (`http://…`), authority and asterisk forms, `//…` → 400.
 * - Percent-encodings in the query are decoded as WHATWG URL does (a malformed `%zz` stays as written); a
 *   malformed one in the path → 400.
 * - Paths `/packets` and `/status`; any other → 404.
 */

export const MAX_TARGET_LENGTH = 8192;

export type FeedRoute = 'packets' | 'status';

export type FeedRequest =
  | { readonly ok: true; readonly route: FeedRoute; readonly head: boolean; readonly params: URLSearchParams }
  | { readonly ok: false; readonly status: 400 | 404 | 405 | 414; readonly error: string };

const refuse = (status: 400 | 404 | 405 | 414, error: string): FeedRequest => ({ ok: false, status, error });

/** Shown in messages: the target cut short and with control characters escaped. */
export const printable = (s: string, max = 80): string => {
  const cut = s.length > max ? `${s.slice(0, max)}…` : s;
  return JSON.stringify(cut).slice(1, -1);
};

/** Check `method` and `target` (the request line's second word, as node:http gives it in `req.url`). */
export function parseFeedRequest(method: string | undefined, target: string | undefined): FeedRequest {
  if (method !== 'GET' && method !== 'HEAD') return refuse(405, `${printable(method ?? '')} not allowed: use GET or HEAD`);
  const t = target ?? '';
  if (t.length > MAX_TARGET_LENGTH) return refuse(414, `request target of ${t.length} characters (at most ${MAX_TARGET_LENGTH})`);
  if (!t.startsWith('/') || t.startsWith('//')) return refuse(400, `${printable(t)}: expected a path such as /packets?apid=1100 (absolute and authority forms are not served)`);
  // node:http already refuses most of these; checked again so the gate stands on its own.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f]/.test(t)) return refuse(400, `${printable(t)}: control character or space in the request target`);
  const q = t.indexOf('?');
  const rawPath = q < 0 ? t : t.slice(0, q);
  let pathName: string;
  try {
    pathName = decodeURIComponent(rawPath);
  } catch {
    return refuse(400, `${printable(rawPath)}: malformed percent-encoding in the path`);
  }
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(q < 0 ? '' : t.slice(q + 1));
  } catch {
    return refuse(400, `${printable(t)}: unreadable query`);
  }
  const head = method === 'HEAD';
  if (pathName === '/packets') return { ok: true, route: 'packets', head, params };
  if (pathName === '/status') return { ok: true, route: 'status', head, params };
  return refuse(404, `${printable(pathName)}: not found (use /packets or /status)`);
}
