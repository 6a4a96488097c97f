/**
 * Devices online: every registered device of the tenant's users
 * (/v1/tenants/{tenant}/users/{ext}/devices for each user), refreshed every
 * few seconds while shown. Expired registrations never appear (the API
 * compares expiry on read).
 */
import { seg } from '../api.js';
import { h, table, text } from '../dom.js';
import type { View, ViewContext } from '../view.js';

interface Device {
  contact: string;
  transport: string;
  source: string;
  userAgent?: string;
  expiresInSeconds: number;
  edgeId: string;
}

interface Row extends Device {
  ext: string;
}

/** Users' device lists, a few requests at a time. */
async function allDevices(ctx: ViewContext): Promise<Row[]> {
  const base = `/tenants/${seg(ctx.tenant)}/users`;
  const { users } = await ctx.api.get<{ users: { ext: string }[] }>(base, { limit: '1000' });
  const rows: Row[] = [];
  for (let i = 0; i < users.length; i += 8) {
    const lists = await Promise.all(users.slice(i, i + 8).map((u) => ctx.api.get<{ ext: string; devices: Device[] }>(`${base}/${seg(u.ext)}/devices`)));
    for (const list of lists) for (const d of list.devices) rows.push({ ...d, ext: list.ext });
  }
  return rows;
}

function devicesTable(rows: Row[]): HTMLElement {
  return table<Row>(
    'devices',
    [
      { header: 'Extension', cell: (d) => d.ext },
      { header: 'Transport', cell: (d) => d.transport.toUpperCase() },
      { header: 'From', cell: (d) => d.source },
      { header: 'Contact', cell: (d) => h('code', {}, d.contact) },
      { header: 'User agent', cell: (d) => text(d.userAgent) },
      { header: 'Expires in', cell: (d) => `${d.expiresInSeconds} s` },
      { header: 'Edge', cell: (d) => d.edgeId },
    ],
    rows,
    (d) => `${d.ext} ${d.contact}`,
    'No device is registered.',
  );
}

export const DEVICES_VIEW: View = {
  id: 'devices',
  title: 'Devices online',
  async render(ctx) {
    const holder = h('div', {}, devicesTable(await allDevices(ctx)));
    ctx.every(3_000, async () => holder.replaceChildren(devicesTable(await allDevices(ctx))));
    return h('section', {}, h('p', { class: 'hint' }, 'Refreshed every 3 seconds.'), holder);
  },
};
