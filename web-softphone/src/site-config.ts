/**
 * Where the PBX is when the page is not served by the edge itself: the cloud
 * deployment publishes the softphone on a CDN next to a `nimbus-config.json`
 * naming the SIP domain and the WSS URL (infra/softphone-site.ts). Served by
 * the edge (local stack) there is no such file and the page's own origin is
 * the server.
 */
export interface SiteConfig {
  sipDomain?: string;
  webSocketUrl?: string;
}

export async function loadSiteConfig(fetchFn: typeof fetch = fetch): Promise<SiteConfig> {
  try {
    const res = await fetchFn('./nimbus-config.json', { cache: 'no-store' });
    if (!res.ok) return {};
    const json = (await res.json()) as Record<string, unknown>;
    return {
      ...(typeof json.sipDomain === 'string' && json.sipDomain ? { sipDomain: json.sipDomain } : {}),
      ...(typeof json.webSocketUrl === 'string' && json.webSocketUrl ? { webSocketUrl: json.webSocketUrl } : {}),
    };
  } catch {
    return {};
  }
}
