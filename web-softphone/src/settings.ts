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
  /** Typed or from the URL; never stored (Remember me keeps `ha1` + `realm` instead). */
  password: string;
  /** Digest HA1 = MD5(extension:realm:password), learnt on the first successful registration (RFC 2617 §3.2.2.2). */
  ha1?: string;
  /** The digest realm the PBX challenged with (the tenant's realm, not always the SIP domain). */
  realm?: string;
  /** Shown to the people this phone calls (the From display name); optional. */
  displayName: string;
  remember: boolean;
}

export interface LaunchOptions {
  settings: SignInSettings;
  /** Sign in at once (user and password came in the URL, or were remembered). */
  autoSignIn: boolean;
  /** Number to call as soon as registered (the page asks first). */
  dial?: string;
  /**
   * The URL names a server other than the remembered one while remembered
   * credentials would be used: the page must ask before sending them there.
   * `fallback` is what to use when the user says no (the remembered server).
   */
  foreignServer?: { server: string; fallback: SignInSettings };
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
  const urlServer = params.get('server') ? normalizeServer(params.get('server')!, location.protocol) : undefined;
  const server = urlServer ?? remembered?.server ?? site.webSocketUrl ?? defaultServer(location);
  const extension = params.get('user') ?? remembered?.extension ?? '';
  const urlPassword = params.get('password');
  const domain = params.get('domain') ?? (urlServer ? domainOf(server) : (remembered?.domain ?? site.sipDomain ?? location.hostname));
  const displayName = params.get('name') ?? remembered?.displayName ?? '';
  // Stored credentials belong to the stored extension@domain only.
  const usesStored = urlPassword === null && remembered !== undefined && remembered.extension === extension;
  const stored = usesStored && remembered.domain === domain ? { ha1: remembered.ha1, realm: remembered.realm, password: remembered.password } : {};
  const settings: SignInSettings = {
    server,
    domain,
    extension,
    password: urlPassword ?? stored.password ?? '',
    ...(stored.ha1 && stored.realm ? { ha1: stored.ha1, realm: stored.realm } : {}),
    displayName,
    remember: Boolean(remembered),
  };
  const foreignServer = usesStored && urlServer && urlServer !== remembered.server ? { server: urlServer, fallback: remembered } : undefined;
  return {
    settings,
    autoSignIn: hasCredentials(settings),
    dial: params.get('dial') ?? undefined,
    ...(foreignServer ? { foreignServer } : {}),
  };
}

export function hasCredentials(settings: SignInSettings): boolean {
  return settings.extension !== '' && (settings.password !== '' || Boolean(settings.ha1 && settings.realm));
}

/** Never the password: only where, who, and the digest HA1 for the realm once one is known. */
export function remember(storage: Storage, settings: SignInSettings): void {
  if (!settings.remember) {
    storage.removeItem(STORAGE_KEY);
    return;
  }
  const kept: StoredSignIn = { server: settings.server, domain: settings.domain, extension: settings.extension, displayName: settings.displayName };
  if (settings.ha1 && settings.realm) Object.assign(kept, { ha1: settings.ha1, realm: settings.realm });
  storage.setItem(STORAGE_KEY, JSON.stringify(kept));
}

export function forget(storage: Storage): void {
  storage.removeItem(STORAGE_KEY);
}

interface StoredSignIn {
  server: string;
  domain: string;
  extension: string;
  displayName: string;
  ha1?: string;
  realm?: string;
}

function readRemembered(storage: Storage): SignInSettings | undefined {
  try {
    const value = JSON.parse(storage.getItem(STORAGE_KEY) ?? 'null') as (Partial<StoredSignIn> & { password?: unknown }) | null;
    if (!value || typeof value.extension !== 'string') return undefined;
    const ha1 = typeof value.ha1 === 'string' && /^[0-9a-f]{32}$/i.test(value.ha1) ? value.ha1 : undefined;
    const realm = typeof value.realm === 'string' && value.realm !== '' ? value.realm : undefined;
    return {
      server: String(value.server ?? ''),
      domain: String(value.domain ?? ''),
      extension: value.extension,
      // Older versions stored the password itself: used once more, then replaced by the HA1.
      password: typeof value.password === 'string' ? value.password : '',
      ...(ha1 && realm ? { ha1, realm } : {}),
      displayName: String(value.displayName ?? ''),
      remember: true,
    };
  } catch {
    return undefined;
  }
}
