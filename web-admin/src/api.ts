/**
 * The admin API as the console calls it: JSON over fetch with the bearer
 * token; a refusal becomes an ApiError with the HTTP status and the API's
 * message, shown to the admin as it is ("409: ext: 1001 exists already").
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(`${status}: ${message}`);
  }
}

export class AdminApi {
  constructor(
    /** Base without /v1: '/api' on the local stack, the API's URL in the cloud. */
    readonly base: string,
    private readonly token: string,
  ) {}

  get<T>(path: string, query: Record<string, string> = {}): Promise<T> {
    const qs = new URLSearchParams(query).toString();
    return this.request<T>('GET', qs ? `${path}?${qs}` : path);
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PATCH', path, body);
  }

  delete(path: string): Promise<void> {
    return this.request<void>('DELETE', path);
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.base}/v1${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          accept: 'application/json',
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        cache: 'no-store',
      });
    } catch {
      throw new ApiError(0, `the admin API at ${this.base} does not answer`);
    }
    const text = await res.text();
    const json = text ? (JSON.parse(text) as unknown) : undefined;
    if (!res.ok) {
      const message = (json as { error?: string } | undefined)?.error ?? res.statusText;
      throw new ApiError(res.status, message);
    }
    return json as T;
  }
}

/** Path segment. */
export const seg = encodeURIComponent;
