/**
 * The browser's REST client: Bearer token from the NextAuth session, JSON in and out, the API's one error
 * shape {error:{code,message,details}} turned into ApiError. A 401 triggers one session refresh and a retry.
 */
export interface ApiErrorDetail {
  field: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ApiErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type Query = Record<string, string | number | boolean | null | undefined>;

export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '' || (k === 'exchange' && v === 'all')) continue;
    params.set(k, String(v));
  }
  const qs = params.toString();
  return qs === '' ? path : `${path}?${qs}`;
}

interface ErrorEnvelope {
  error?: { code?: string; message?: string; details?: ApiErrorDetail[] } | string;
  message?: string;
}

export async function toApiError(res: Response): Promise<ApiError> {
  const body = (await res.json().catch(() => null)) as ErrorEnvelope | null;
  const e = body?.error;
  if (typeof e === 'object') return new ApiError(res.status, e.code ?? String(res.status), e.message ?? res.statusText, e.details ?? []);
  return new ApiError(res.status, String(res.status), typeof e === 'string' ? e : (body?.message ?? res.statusText));
}

export interface ApiClient {
  get<T>(path: string, query?: Query): Promise<T>;
  send<T>(method: 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T>;
}

export function createApiClient(baseUrl: string, getToken: () => string | undefined, refreshToken: () => Promise<string | undefined>): ApiClient {
  async function request<T>(method: string, path: string, body: unknown, retried: boolean, token = getToken()): Promise<T> {
    const headers: Record<string, string> = {};
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (res.status === 401 && !retried) {
      const fresh = await refreshToken();
      if (fresh !== undefined && fresh !== token) return request<T>(method, path, body, true, fresh);
    }
    if (!res.ok) throw await toApiError(res);
    if (res.status === 204) return undefined as T;
    return (await res.json()) as T;
  }
  return {
    get: (path, query) => request('GET', withQuery(path, query), undefined, false),
    send: (method, path, body) => request(method, path, body, false),
  };
}
