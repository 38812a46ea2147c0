/**
 * @module Bearer tokens of the feed server (`--token-file`, `IDOC_FEED_TOKEN`) and the client side.
 *
 * A token file holds one entry per line: a token as is, or its SHA-256 as `sha256:<64 hex digits>` (so the file the
 * server reads need not hold the token itself); blank lines and `#` comments are skipped. The server keeps only the
 * SHA-256 of each token and compares the hash of what a request presents with every one of them in constant time
 * (`crypto.timingSafeEqual` on equal-length digests, all entries compared whatever the outcome).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { InputError } from '../../src/errors.js';

/** The environment variable both sides read when no file is named. */
export const FEED_TOKEN_ENV = 'IDOC_FEED_TOKEN';

export const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/** The SHA-256 digests of the tokens in `text` (a token file's content). Throws InputError naming `where`. */
export function tokenDigests(text: string, where: string): Buffer[] {
  const out: Buffer[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const hashed = /^sha256:([0-9a-fA-F]*)$/.exec(line);
    if (hashed) {
      if (hashed[1]!.length !== 64) throw new InputError(`${where}: line ${i + 1}: sha256: needs 64 hex digits`);
      out.push(Buffer.from(hashed[1]!, 'hex'));
    } else if (/\s/.test(line)) {
      throw new InputError(`${where}: line ${i + 1}: a token has no spaces`);
    } else out.push(sha256(line));
  });
  return out;
}

/** Read a token file (`where` names it in errors). Throws InputError when unreadable or holding no token. */
export async function readTokenFile(file: string): Promise<Buffer[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new InputError(`${file}: cannot read the token file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const d = tokenDigests(text, file);
  if (!d.length) throw new InputError(`${file}: no token in the token file`);
  return d;
}

/** True when the `Authorization` header carries a bearer token whose SHA-256 is one of `digests`. */
export function bearerAllowed(authorization: string | undefined, digests: readonly Buffer[]): boolean {
  const m = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization ?? '');
  const presented = sha256(m ? m[1]! : '');
  let ok = false;
  for (const d of digests) ok = timingSafeEqual(presented, d) || ok; // every entry compared
  return m !== null && ok;
}

/** `Authorization` header value for a client holding `token`. */
export const bearerHeader = (token: string): string => `Bearer ${token}`;
