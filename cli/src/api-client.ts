/**
 * The admin API over HTTP: one request, JSON in and out, the bearer token on
 * every call. A refusal becomes an ApiError carrying the HTTP status and the
 * API's own message ({"error": "…"}); an unreachable API a NetworkError.
 */
import type { Connection } from './connection.js';

export interface ApiRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Below /v1, already encoded, e.g. /tenants/acme/users/1001. */
  path: string;
  query?: Record<string, string | undefined>;
  body?: unknown;
}

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly statusText: string,
    readonly apiMessage: string | undefined,
  ) {
    super(`${status} ${statusText}${apiMessage ? `: ${apiMessage}` : ''}`);
  }
}

export class NetworkError extends Error {
  override name = 'NetworkError';
}

export async function callApi(connection: Connection, request: ApiRequest): Promise<unknown> {
  const url = new URL(`${connection.baseUrl}/v1${request.path}`);
  for (const [name, value] of Object.entries(request.query ?? {})) if (value !== undefined) url.searchParams.set(name, value);
  let res: Response;
  try {
    res = await fetch(url, {
      method: request.method,
      headers: {
        authorization: `Bearer ${connection.token}`,
        accept: 'application/json',
        ...(request.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new NetworkError(`cannot reach ${url.origin}: ${cause?.code ?? cause?.message ?? (err as Error).message}`);
  }
  const text = await res.text();
  const json = parseJson(text);
  if (!res.ok) {
    const message = json && typeof json === 'object' && typeof (json as { error?: unknown }).error === 'string' ? (json as { error: string }).error : text.trim() || undefined;
    throw new ApiError(res.status, res.statusText, message);
  }
  return res.status === 204 ? undefined : (json ?? text);
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
