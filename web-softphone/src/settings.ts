/**
 * Where the phone signs in, from (highest first) URL parameters — kiosk and
 * automation use, like MSS's web page: ?server=&user=&password=&dial= (and
 * &domain=, &name=) —
 * then what the user asked the browser to remember, then the page's own origin.
 */
import type { SiteConfig } from './site-config.js';
export interface SignInSettings {
  /** ws:// or wss:// URL of the edge's SIP-over-WebSocket endpoint (RFC 7118). */
  server: string;
  /** SIP domain of the tenant (the host part of sip:ext@domain). */
  domain: string;
  extension: string;
  password: string;
  /** Shown to the people this phone calls (the From display name); optional. */
  displayName: string;
  remember: boolean;
}

export interface LaunchOptions {
  settings: SignInSettings;
  /** Sign in at once (user and password came in the URL, or were remembered). */
  autoSignIn: boolean;
  /** Number to call as soon as registered. */
  dial?: string;
}

const STORAGE_KEY = 'nimbus.softphone.signin';

/** The edge serves the page and the WebSocket on one port: ws(s)://<host>/ws. */
export function defaultServer(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
}

/** Accepts a full ws(s) URL or a bare host[:port] (then the page's scheme and /ws). */
export function normalizeServer(value: string, pageProtocol: string): string {
  const trimmed = value.trim();
  if (/^wss?:\/\//i.test(trimmed)) return trimmed;
  return `${pageProtocol === 'https:' ? 'wss' : 'ws'}://${trimmed.replace(/\/+$/, '')}/ws`;
}

export function domainOf(server: string): string {
  try {
    return new URL(server).hostname;
  } catch {
    return '';
  }
}

export function loadLaunchOptions(location: Location, storage: Storage, site: SiteConfig = {}): LaunchOptions {
  const params = new URLSearchParams(location.search);
  const remembered = readRemembered(storage);
  const server = params.get('server') ? normalizeServer(params.get('server')!, location.protocol) : (remembered?.server ?? site.webSocketUrl ?? defaultServer(location));
  const extension = params.get('user') ?? remembered?.extension ?? '';
  const password = params.get('password') ?? remembered?.password ?? '';
  const domain = params.get('domain') ?? (params.get('server') ? domainOf(server) : (remembered?.domain ?? site.sipDomain ?? location.hostname));
  const displayName = params.get('name') ?? remembered?.displayName ?? '';
  return {
    settings: { server, domain, extension, password, displayName, remember: Boolean(remembered) },
    autoSignIn: extension !== '' && password !== '',
    dial: params.get('dial') ?? undefined,
  };
}

export function remember(storage: Storage, settings: SignInSettings): void {
  if (settings.remember) storage.setItem(STORAGE_KEY, JSON.stringify(settings));
  else storage.removeItem(STORAGE_KEY);
}

export function forget(storage: Storage): void {
  storage.removeItem(STORAGE_KEY);
}

function readRemembered(storage: Storage): SignInSettings | undefined {
  try {
    const value = JSON.parse(storage.getItem(STORAGE_KEY) ?? 'null') as Partial<SignInSettings> | null;
    if (!value || typeof value.extension !== 'string' || typeof value.password !== 'string') return undefined;
    return {
      server: String(value.server ?? ''),
      domain: String(value.domain ?? ''),
      extension: value.extension,
      password: value.password,
      displayName: String(value.displayName ?? ''),
      remember: true,
    };
  } catch {
    return undefined;
  }
}
