/** Calls in progress (/v1/tenants/{tenant}/calls), refreshed every few seconds while shown. */
import { seg } from '../api.js';
import { h, table, text } from '../dom.js';
import type { View, ViewContext } from '../view.js';

interface Party {
  ext: string;
  displayName?: string;
}

interface ActiveCall {
  callId: string;
  direction?: string;
  caller?: Party;
  callee?: Party;
  state: string;
  startTime: string;
  answerTime?: string;
  trunkId?: string;
  edgeId: string;
}

const party = (p: Party | undefined) => (p ? (p.displayName ? `${p.ext} (${p.displayName})` : p.ext) : '—');
const since = (iso: string) => `${Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000))} s`;

async function callsTable(ctx: ViewContext): Promise<HTMLElement> {
  const { calls } = await ctx.api.get<{ calls: ActiveCall[] }>(`/tenants/${seg(ctx.tenant)}/calls`);
  return table<ActiveCall>(
    'calls',
    [
      { header: 'From', cell: (c) => party(c.caller) },
      { header: 'To', cell: (c) => party(c.callee) },
      { header: 'Direction', cell: (c) => text(c.direction) },
      { header: 'State', cell: (c) => c.state },
      { header: 'Trunk', cell: (c) => text(c.trunkId) },
      { header: 'Duration', cell: (c) => since(c.answerTime ?? c.startTime) },
      { header: 'Call-ID', cell: (c) => h('code', {}, c.callId) },
      { header: 'Edge', cell: (c) => c.edgeId },
    ],
    calls,
    (c) => c.callId,
    'No call in progress.',
  );
}

export const CALLS_VIEW: View = {
  id: 'calls',
  title: 'Active calls',
  async render(ctx) {
    const holder = h('div', {}, await callsTable(ctx));
    ctx.every(2_000, async () => holder.replaceChildren(await callsTable(ctx)));
    return h('section', {}, h('p', { class: 'hint' }, 'Refreshed every 2 seconds.'), holder);
  },
};
