/**
 * @module The Co-I service's own store (issue 17): users, API tokens, grants and embargoes, the audit log and UWS
 * jobs, as a small async contract. The embedded implementation is SQLite (`service.sqlite` beside the archive
 * index, src/store/service-store.ts); a PostgreSQL one can follow behind the same interface. Secrets never enter
 * this store in clear: passwords are scrypt hashes, tokens SHA-256 digests.
 */

/** The roles, from most to least privileged. */
export const ROLES = ['operator', 'co-investigator', 'public'] as const;
export type Role = (typeof ROLES)[number];

export interface UserRecord {
  readonly name: string;
  readonly role: Role;
  /** `scrypt$N$r$p$salt-b64$hash-b64`, or undefined for a token-only user. */
  readonly passwordHash: string | undefined;
  /** Unix ms. */
  readonly createdUnixMs: number;
  readonly disabled: boolean;
}

export interface TokenRecord {
  /** Public identifier of the token (shown in lists, used to revoke it). */
  readonly id: string;
  readonly user: string;
  /** SHA-256 hex of the secret. */
  readonly digest: string;
  readonly createdUnixMs: number;
  readonly revokedUnixMs: number | undefined;
}

export interface Users {
  add(user: UserRecord): Promise<void>;
  get(name: string): Promise<UserRecord | undefined>;
  list(): Promise<UserRecord[]>;
  setDisabled(name: string, disabled: boolean): Promise<boolean>;
}

export interface Tokens {
  add(token: TokenRecord): Promise<void>;
  /** The live (not revoked) token with this digest. */
  byDigest(digest: string): Promise<TokenRecord | undefined>;
  list(user?: string): Promise<TokenRecord[]>;
  /** Revoke one token by id; resolves to false when unknown or already revoked. */
  revoke(id: string, atUnixMs: number): Promise<boolean>;
  /** Revoke every token of a user; resolves to the count revoked. */
  revokeAll(user: string, atUnixMs: number): Promise<number>;
}

/** Grants of routes (instrument streams) to users, and per-route embargoes. */
export interface Grants {
  grant(user: string, route: string): Promise<void>;
  ungrant(user: string, route: string): Promise<boolean>;
  routes(user: string): Promise<string[]>;
  /** Months after a product's stop time at which it becomes public (undefined: never public). */
  setEmbargo(route: string, months: number | undefined): Promise<void>;
  embargoes(): Promise<ReadonlyMap<string, number>>;
}

export interface AuditEntry {
  readonly atUnixMs: number;
  /** User name, or `anonymous`. */
  readonly who: string;
  /** Token id when one was used. */
  readonly token: string | undefined;
  readonly method: string;
  /** Path and query as received (truncated to 2 KiB). */
  readonly what: string;
  readonly status: number;
  /** Client address. */
  readonly from: string;
}

export interface Audit {
  record(e: AuditEntry): Promise<void>;
  /** Most recent first. */
  recent(limit: number): Promise<AuditEntry[]>;
}

/** UWS 1.1 execution phases (UWS §2.1.3). */
export const PHASES = ['PENDING', 'QUEUED', 'EXECUTING', 'COMPLETED', 'ERROR', 'ABORTED', 'UNKNOWN', 'HELD', 'SUSPENDED', 'ARCHIVED'] as const;
export type Phase = (typeof PHASES)[number];

export interface JobResult {
  readonly id: string;
  readonly mimeType: string;
  readonly size: number;
  /** Relative to the service's jobs folder. */
  readonly file: string;
  /** SHA-256 hex of the file, when known (served as ETag). */
  readonly sha256?: string;
}

export interface JobRecord {
  readonly id: string;
  readonly owner: string;
  readonly kind: string;
  readonly phase: Phase;
  readonly parameters: Readonly<Record<string, string>>;
  readonly runId: string | undefined;
  readonly createdUnixMs: number;
  readonly startedUnixMs: number | undefined;
  readonly endedUnixMs: number | undefined;
  /** Seconds, 0 = unlimited (UWS §2.1.4). */
  readonly executionDuration: number;
  readonly destructionUnixMs: number | undefined;
  readonly error: string | undefined;
  readonly results: readonly JobResult[];
}

export interface Jobs {
  put(job: JobRecord): Promise<void>;
  get(id: string): Promise<JobRecord | undefined>;
  list(owner?: string): Promise<JobRecord[]>;
  delete(id: string): Promise<boolean>;
}

/** The whole service store. */
export interface ServiceStore {
  readonly name: string;
  readonly users: Users;
  readonly tokens: Tokens;
  readonly grants: Grants;
  readonly audit: Audit;
  readonly jobs: Jobs;
  close(): Promise<void>;
}
