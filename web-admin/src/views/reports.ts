/**
 * The hourly reports of one UTC day as charts and a table (the basic call
 * report and the local user report, /v1/tenants/{tenant}/reports/…): what
 * the earlier /admin/reports page drew, now a view of the console.
 */
import { seg } from '../api.js';
import { barChart } from '../charts.js';
import { field, h } from '../dom.js';
import type { View, ViewContext } from '../view.js';

interface CallFigures {
  attempts: number;
  answered: number;
  asrPercent: number;
  acdMinutes: number;
}

interface CallRow {
  hour: string;
  total: CallFigures;
}

interface UserRow {
  hour: string;
  usersOnline: number;
  peakOnline: number;
}

/** 24 slots, one per UTC hour of `day`, from rows keyed by their hour. */
function byHour<R extends { hour: string }>(day: string, rows: R[]): Array<R | undefined> {
  const slots = new Array<R | undefined>(24).fill(undefined);
  for (const row of rows) if (row.hour.startsWith(day)) slots[new Date(row.hour).getUTCHours()] = row;
  return slots;
}

async function dayReport(ctx: ViewContext, day: string): Promise<Node> {
  const from = `${day}T00:00:00Z`;
  const to = new Date(Date.parse(from) + 86_400_000).toISOString();
  const base = `/tenants/${seg(ctx.tenant)}/reports`;
  const [calls, users] = await Promise.all([
    ctx.api.get<{ rows: CallRow[] }>(`${base}/calls`, { from, to }),
    ctx.api.get<{ rows: UserRow[] }>(`${base}/users`, { from, to }),
  ]);
  const c = byHour(day, calls.rows);
  const u = byHour(day, users.rows);
  const rows = [];
  for (let hour = 0; hour < 24; hour++) {
    const call = c[hour]?.total;
    const user = u[hour];
    if (!call && !user) continue;
    const cells = [`${String(hour).padStart(2, '0')}:00`, call?.attempts ?? 0, call?.answered ?? 0, call?.asrPercent ?? 0, call?.acdMinutes ?? 0, user?.usersOnline ?? 0, user?.peakOnline ?? 0];
    rows.push(h('tr', { 'data-testid': 'report-row' }, ...cells.map((v) => h('td', {}, String(v)))));
  }
  return h(
    'div',
    {},
    h('figure', {}, h('figcaption', {}, 'Calls per hour: attempted, answered'), barChart('calls-chart', 'calls attempted and answered per hour', [
      { name: 'attempted', color: '#8ab4f8', values: c.map((r) => r?.total.attempts ?? 0) },
      { name: 'answered', color: '#1a73e8', values: c.map((r) => r?.total.answered ?? 0) },
    ])),
    h('figure', {}, h('figcaption', {}, 'Users online per hour: online, peak at once'), barChart('users-chart', 'users online per hour', [
      { name: 'users online', color: '#81c995', values: u.map((r) => r?.usersOnline ?? 0) },
      { name: 'peak at once', color: '#188038', values: u.map((r) => r?.peakOnline ?? 0) },
    ])),
    rows.length === 0
      ? h('p', { class: 'empty', 'data-testid': 'report-empty' }, 'No calls and nobody online on this day.')
      : h('table', { 'data-testid': 'report' }, h('thead', {}, h('tr', {}, ...['hour (UTC)', 'attempts', 'answered', 'ASR %', 'ACD min', 'users online', 'peak'].map((t) => h('th', {}, t)))), h('tbody', {}, ...rows)),
  );
}

export const REPORTS_VIEW: View = {
  id: 'reports',
  title: 'Reports',
  async render(ctx) {
    const day = h('input', { type: 'date', 'data-testid': 'report-day', value: new Date().toISOString().slice(0, 10), required: true });
    const holder = h('div', {}, await dayReport(ctx, day.value));
    day.addEventListener('change', () => {
      void dayReport(ctx, day.value).then(
        (node) => holder.replaceChildren(node),
        (err: unknown) => ctx.notify(err instanceof Error ? err.message : String(err), 'error'),
      );
    });
    return h('section', {}, h('div', { class: 'card inline' }, field('Day (UTC)', day), h('span', { class: 'hint' }, 'Rows appear once the hourly rollup ran (minute 5 of the next hour).')), holder);
  },
};
