import type { ErrorBody, LoginResponse } from '@zhibu/shared';
import { getSession, setSession } from './session';

/** An error answered by the API (or the network), with the stable code from the shared catalogue. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: { field: string; reason: string }[] = [],
    readonly requestId?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type Query = Record<string, string | number | boolean | undefined | null | readonly string[]>;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  body?: unknown;
  query?: Query;
  /** false for public endpoints (login, register, invitation preview). */
  auth?: boolean;
  signal?: AbortSignal;
}

function toUrl(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) for (const v of value) params.append(key, v);
    else params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

function isErrorBody(value: unknown): value is ErrorBody {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Record<string, unknown>).code === 'string' &&
    typeof (value as Record<string, unknown>).message === 'string'
  );
}

async function toApiError(response: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // Not JSON (a proxy error page): fall through to a generic code.
  }
  if (isErrorBody(body)) {
    return new ApiError(response.status, body.code, body.message, body.details ?? [], body.requestId);
  }
  const code = response.status >= 500 ? 'INTERNAL' : 'BAD_REQUEST';
  return new ApiError(response.status, code, response.statusText || code);
}

let refreshing: Promise<boolean> | null = null;

/**
 * Exchanges the refresh token once for everyone who is waiting (single flight): concurrent 401s must
 * not each rotate the token, or the second rotation would look like reuse and revoke the session.
 */
export function refreshSession(): Promise<boolean> {
  if (refreshing) return refreshing;
  const session = getSession();
  if (!session) return Promise.resolve(false);
  refreshing = (async () => {
    try {
      const response = await fetch('/api/v1/auth/refresh', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refreshToken: session.refreshToken }),
      });
      if (!response.ok) {
        const error = await toApiError(response);
        // Reused, revoked or expired refresh token: the session is over. A network or 5xx error is not.
        if (error.status === 401) setSession(null);
        return false;
      }
      const next = (await response.json()) as LoginResponse;
      // Another tab may have signed out meanwhile; only replace the session we refreshed.
      if (getSession()?.refreshToken === session.refreshToken) setSession(next);
      return true;
    } catch {
      return false;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

/** Calls the REST API; refreshes the access token silently once when it has expired. */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const { method = 'GET', body, query, auth = true, signal } = options;
  const send = async (): Promise<Response> => {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const token = getSession()?.accessToken;
    if (auth && token) headers.authorization = `Bearer ${token}`;
    try {
      return await fetch(toUrl(path, query), {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
      });
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') throw error;
      throw new ApiError(0, 'NETWORK', 'Network error');
    }
  };

  let response = await send();
  if (response.status === 401 && auth) {
    const error = await toApiError(response);
    if (error.code === 'TOKEN_EXPIRED' && (await refreshSession())) {
      response = await send();
    } else {
      if (error.code === 'REFRESH_REUSED' || error.code === 'TOKEN_INVALID') setSession(null);
      throw error;
    }
  }
  if (!response.ok) {
    const error = await toApiError(response);
    if (error.status === 401 && auth) setSession(null);
    throw error;
  }
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}
