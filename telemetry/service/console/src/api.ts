/** @module Calls to the console API (same origin, session cookie); a 401 sends the user to the login page. */
export class ApiError extends Error {
  constructor(readonly status: number, message: string) { super(message); }
}

export async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const headers = new Headers(init.headers);
  if (init.body !== undefined) headers.set('content-type', 'application/json');
  const res = await fetch(`/api/console/${path}`, { ...init, credentials: 'same-origin', headers });
  if (res.status === 401 && path !== 'login' && path !== 'me') { location.hash = '#/login'; }
  const text = await res.text();
  let body: unknown;
  try { body = JSON.parse(text); } catch { body = text; }
  if (!res.ok) throw new ApiError(res.status, (body as { error?: string }).error ?? `HTTP ${res.status}`);
  return body as T;
}

export const post = <T>(path: string, body: unknown): Promise<T> => api<T>(path, { method: 'POST', body: JSON.stringify(body) });

export interface Me { name: string; role: 'operator' | 'coi'; instruments: string[] }
