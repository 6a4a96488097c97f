/** Fail-to-ban: the banned addresses, ban one by hand, lift a ban (/v1/bans, system role). */
import { seg } from '../api.js';
import { field, h, numberOrUndefined, table, text } from '../dom.js';
import { attempt, type View, type ViewContext } from '../view.js';

interface Ban {
  address: string;
  since: string;
  until: string;
  reason: string;
  failures: number;
  tenantId?: string;
  username?: string;
}

function banForm(ctx: ViewContext): HTMLFormElement {
  const address = h('input', { 'data-testid': 'ban-address', required: true, placeholder: '192.0.2.10' });
  const seconds = h('input', { 'data-testid': 'ban-seconds', type: 'number', min: '1', step: '1', placeholder: 'fail-to-ban default' });
  const reason = h('input', { 'data-testid': 'ban-reason', placeholder: 'why' });
  const form = h('form', { class: 'card inline', 'data-testid': 'add-ban' }, h('h3', {}, 'Ban an address'), field('Address', address), field('Seconds', seconds), field('Reason', reason), h('button', { type: 'submit', 'data-testid': 'add-ban-submit' }, 'Ban'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void attempt(ctx, async () => {
      const s = numberOrUndefined(seconds);
      await ctx.api.post('/bans', { address: address.value.trim(), ...(s !== undefined ? { seconds: s } : {}), ...(reason.value.trim() ? { reason: reason.value.trim() } : {}) });
      ctx.notify(`banned ${address.value}`, 'info');
      ctx.refresh();
    });
  });
  return form;
}

export const BANS_VIEW: View = {
  id: 'bans',
  title: 'Bans',
  async render(ctx) {
    const { bans } = await ctx.api.get<{ bans: Ban[] }>('/bans');
    const lift = (ban: Ban) =>
      void attempt(ctx, async () => {
        await ctx.api.delete(`/bans/${seg(ban.address)}`);
        ctx.notify(`lifted the ban of ${ban.address}`, 'info');
        ctx.refresh();
      });
    return h(
      'section',
      {},
      table<Ban>(
        'bans',
        [
          { header: 'Address', cell: (b) => b.address },
          { header: 'Since', cell: (b) => new Date(b.since).toLocaleString() },
          { header: 'Until', cell: (b) => new Date(b.until).toLocaleString() },
          { header: 'Failures', cell: (b) => b.failures },
          { header: 'Reason', cell: (b) => b.reason },
          { header: 'Attacked', cell: (b) => text([b.tenantId, b.username].filter(Boolean).join(' / ')) },
          { header: '', cell: (b) => h('button', { type: 'button', 'data-testid': 'lift', onclick: () => lift(b) }, 'Lift') },
        ],
        bans,
        (b) => b.address,
        'Nobody is banned.',
      ),
      banForm(ctx),
    );
  },
};
