/** SIP trunks with their calls in use against the limits and the line status (/v1/tenants/{tenant}/trunks). */
import { seg } from '../api.js';
import { h, table, text } from '../dom.js';
import type { View } from '../view.js';

interface Trunk {
  id: string;
  kind: 'ip' | 'register';
  host: string;
  port: number;
  transport: string;
  username?: string;
  routes: { prefix: string; strip: number; prepend: string }[];
  dids: Record<string, string>;
  maxIncomingCalls?: number;
  maxOutgoingCalls?: number;
  maxTotalCalls?: number;
  usage: { in: number; out: number; total: number };
  status?: { status: 'online' | 'offline'; lastError?: string; since: string };
}

const limit = (used: number, max: number | undefined) => `${used} / ${max ?? '∞'}`;

function lineStatus(t: Trunk): Node {
  if (t.kind !== 'register') return h('span', { class: 'subtle' }, 'by address');
  if (!t.status) return h('span', { class: 'subtle' }, 'not reported yet');
  return h('span', { class: `badge ${t.status.status}`, title: t.status.lastError ?? '' }, t.status.status, t.status.lastError ? ` — ${t.status.lastError}` : '');
}

export const TRUNKS_VIEW: View = {
  id: 'trunks',
  title: 'Trunks',
  async render(ctx) {
    const { trunks } = await ctx.api.get<{ trunks: Trunk[] }>(`/tenants/${seg(ctx.tenant)}/trunks`);
    return h(
      'section',
      {},
      table<Trunk>(
        'trunks',
        [
          { header: 'Trunk', cell: (t) => t.id },
          { header: 'Kind', cell: (t) => (t.kind === 'ip' ? 'IP-trusted' : `registers as ${t.username ?? '?'}`) },
          { header: 'Carrier', cell: (t) => `${t.host}:${t.port} ${t.transport.toUpperCase()}` },
          { header: 'Routes', cell: (t) => text(t.routes.map((r) => r.prefix)) },
          { header: 'DIDs', cell: (t) => text(Object.entries(t.dids).map(([did, ext]) => `${did}→${ext}`)) },
          { header: 'Calls in', cell: (t) => limit(t.usage.in, t.maxIncomingCalls) },
          { header: 'Calls out', cell: (t) => limit(t.usage.out, t.maxOutgoingCalls) },
          { header: 'Line', cell: lineStatus },
        ],
        trunks,
        (t) => t.id,
        'No trunks. Add them in the seed or with npx nimbus trunks add.',
      ),
    );
  },
};
