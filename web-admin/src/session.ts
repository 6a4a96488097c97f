/**
 * Who is signed in, for this browser tab only (sessionStorage: closing the
 * tab forgets the token, and it never goes into a URL). Where the API is:
 * what the admin typed, else the site's nimbus-config.json next to the
 * softphone (the cloud CDN publishes `adminApiUrl` there, infra/softphone-site.ts),
 * else this origin's /api (the local stack).
 */
const TOKEN = 'nimbus-admin-token';
const API = 'nimbus-admin-api';
const TENANT = 'nimbus-admin-tenant';

export interface Session {
  token: string;
  apiBase: string;
}

export function savedSession(): Session | undefined {
  const token = sessionStorage.getItem(TOKEN);
  const apiBase = sessionStorage.getItem(API);
  return token && apiBase ? { token, apiBase } : undefined;
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(TOKEN, session.token);
  sessionStorage.setItem(API, session.apiBase);
}

export function forgetSession(): void {
  for (const key of [TOKEN, API, TENANT]) sessionStorage.removeItem(key);
}

export const savedTenant = (): string | null => sessionStorage.getItem(TENANT);
export const saveTenant = (tenant: string): void => sessionStorage.setItem(TENANT, tenant);

export async function defaultApiBase(): Promise<string> {
  try {
    const res = await fetch('../nimbus-config.json', { cache: 'no-store' });
    if (res.ok) {
      const config = (await res.json()) as { adminApiUrl?: unknown };
      if (typeof config.adminApiUrl === 'string' && config.adminApiUrl !== '') return config.adminApiUrl.replace(/\/+$/, '');
    }
  } catch {
    // served by the local stack: no site config
  }
  return '/api';
}
