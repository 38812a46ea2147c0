/**
 * @module Problem details (RFC 9457): every error the service answers is `application/problem+json` with `type`,
 * `title`, `status`, `detail` (§3.1) and never a stack trace. {@link HttpProblem} is thrown by handlers; the error
 * handler in server.ts turns it, and anything else, into a problem document.
 */

export const PROBLEM_TYPE = 'application/problem+json';

/** The problem document (RFC 9457 §3.1 members; `instance` is the request path). */
export interface ProblemDocument {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly instance?: string;
}

/** HTTP reason phrases of the statuses the service uses (RFC 9110 §15). */
export const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  406: 'Not Acceptable', 409: 'Conflict', 411: 'Length Required', 413: 'Content Too Large', 414: 'URI Too Long',
  415: 'Unsupported Media Type', 416: 'Range Not Satisfiable', 422: 'Unprocessable Content', 429: 'Too Many Requests',
  431: 'Request Header Fields Too Large', 500: 'Internal Server Error', 503: 'Service Unavailable',
};

/** An error with an HTTP status and a one-line detail for the client. */
export class HttpProblem extends Error {
  constructor(readonly status: number, detail: string, readonly headers: Readonly<Record<string, string>> = {}) {
    super(detail);
  }
}

/** The document for a status (type `about:blank` per RFC 9457 §4.2.1: the status says it all). */
export function problem(status: number, detail: string | undefined, instance?: string): ProblemDocument {
  return {
    type: 'about:blank', title: TITLES[status] ?? 'Error', status,
    ...(detail !== undefined ? { detail: detail.slice(0, 500) } : {}),
    ...(instance !== undefined ? { instance: instance.slice(0, 200) } : {}),
  };
}

/** The JSON Schema of a problem document (for the OpenAPI responses). */
export const PROBLEM_SCHEMA = {
  $id: 'problem',
  type: 'object',
  required: ['type', 'title', 'status'],
  properties: {
    type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' },
    detail: { type: 'string' }, instance: { type: 'string' },
  },
} as const;
