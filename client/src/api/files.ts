import { ApiError, refreshSession } from './http';
import { getAccessToken } from './session';

/** A fetch with the bearer token, retried once after a silent refresh when the token had expired. */
async function authorized(url: string, init: RequestInit = {}): Promise<Response> {
  const send = () =>
    fetch(url, {
      ...init,
      headers: {
        ...(init.headers as Record<string, string>),
        authorization: `Bearer ${getAccessToken() ?? ''}`,
      },
    });
  const response = await send();
  if (response.status === 401 && (await refreshSession())) return send();
  return response;
}

/** Uploads a file as the raw request body (the server decides what it is) and returns its JSON answer. */
export async function uploadFile<T>(url: string, file: File): Promise<T> {
  const response = await authorized(url, {
    method: 'POST',
    headers: { 'content-type': file.type || 'application/octet-stream' },
    body: file,
  });
  const body = (await response.json().catch(() => null)) as (T & { code?: string; message?: string }) | null;
  if (!response.ok)
    throw new ApiError(response.status, body?.code ?? 'INTERNAL', body?.message ?? response.statusText);
  return body as T;
}

/** A protected file (or its thumbnail) fetched with the bearer token, as an object URL. */
export async function fileObjectUrl(url: string): Promise<string> {
  const response = await authorized(url);
  if (!response.ok) throw new ApiError(response.status, 'NOT_FOUND', response.statusText);
  return URL.createObjectURL(await response.blob());
}
