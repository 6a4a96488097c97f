/**
 * Reports from real calls: SIPp phones register and call through the real
 * local stack, then the admin API (over HTTP, on the stack's HTTP port)
 * rolls the current hour on demand; the JSON and CSV reports must agree with
 * each other and with the calls placed, and the report page and the data it
 * draws are served next to them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasTool } from '../support/require-tool.js';
import { runSipp, type SippResult } from '../support/sipp.js';
import { registerSippDevice, runUas } from '../support/sipp-devices.js';
import { listCdrs, waitForCdr } from '../support/store-inspect.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';

const DOMAIN = 'acme.test';
const SEED = {
  tenants: [
    {
      id: 'acme',
      domains: [DOMAIN, '127.0.0.1'],
      users: [
        { ext: '3001', password: 'pw-3001-caller' },
        { ext: '3002', password: 'pw-3002-answers' },
        { ext: '3003', password: 'pw-3003-busy' },
        { ext: '3009', password: 'pw-3009-no-calls', maxCalls: 0 },
      ],
    },
  ],
};
const PASSWORDS = Object.fromEntries(SEED.tenants[0].users.map((u) => [u.ext, u.password]));
const HOUR_MS = 3_600_000;
const hourOf = (iso: string) => new Date(Math.floor(Date.parse(iso) / HOUR_MS) * HOUR_MS).toISOString();

describe.runIf(hasTool('sipp'))('hourly reports from real calls (SIPp ↔ edge, admin API over HTTP)', () => {
  let stack: TestStack;
  const target = () => `127.0.0.1:${stack.sipPort}`;
  const base = () => `http://127.0.0.1:${stack.httpPort}`;
  const api = (path: string, init: RequestInit = {}, token: string | null = stack.adminToken.token) =>
    fetch(`${base()}/api/v1/tenants/acme${path}`, { ...init, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.headers as Record<string, string>) } });
  const call = (callee: string, scenario: string, template?: Record<string, string>): Promise<SippResult> =>
    runSipp({ scenario, transport: 'udp', target: target(), service: callee, authUser: '3001', password: PASSWORDS['3001'], vars: { domain: DOMAIN, caller: '3001', talk: '200' }, ...(template ? { template } : {}), timeoutSeconds: 30 });

  beforeAll(async () => {
    stack = await startTestStack({ seed: SEED });
  });
  afterAll(async () => {
    await stack?.dispose();
  });

  it('an answered, a busy and a rejected call: the rolled-up hour counts them, in JSON and CSV alike', async () => {
    const answering = await registerSippDevice(target(), { ext: '3002', password: PASSWORDS['3002'], domain: DOMAIN });
    const busy = await registerSippDevice(target(), { ext: '3003', password: PASSWORDS['3003'], domain: DOMAIN });
    await registerSippDevice(target(), { ext: '3009', password: PASSWORDS['3009'], domain: DOMAIN });

    const uas = runUas(target(), answering, 'uas-answer.xml');
    await new Promise((r) => setTimeout(r, 400));
    expect((await call('3002', 'uac-call.xml')).code).toBe(0);
    expect((await uas).code).toBe(0);
    const rejecting = runUas(target(), busy, 'uas-reject.xml', { status: '486', reason: 'Busy Here' });
    await new Promise((r) => setTimeout(r, 400));
    expect((await call('3003', 'uac-expect-final.xml', { status: '486' })).code).toBe(0);
    expect((await rejecting).code).toBe(0);
    expect((await call('3009', 'uac-expect-final.xml', { status: '486' })).code).toBe(0);
    await waitForCdr(stack, 'acme', (c) => c.callee?.ext === '3009' && c.state === 'closed');
    await waitForCdr(stack, 'acme', (c) => c.callee?.ext === '3003' && c.state === 'closed');
    const cdrs = (await listCdrs(stack, 'acme')).filter((c) => c.state === 'closed');
    expect(cdrs).toHaveLength(3);

    // Roll every hour the calls started in (normally one; two if the test straddles an hour).
    const hours = [...new Set(cdrs.map((c) => hourOf(c.startTime!)))].sort();
    for (const hour of hours) {
      const res = await api('/reports/rollup', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ hour: hour.slice(0, 13) }) });
      expect(res.status, await res.clone().text()).toBe(200);
    }
    const range = `from=${encodeURIComponent(hours[0])}&to=${encodeURIComponent(new Date(Date.parse(hours.at(-1)!) + HOUR_MS).toISOString())}`;
    const json = (await (await api(`/reports/calls?${range}`)).json()) as { rows: { hour: string; total: Record<string, number> }[] };
    const sum = (name: string) => json.rows.reduce((n, r) => n + r.total[name], 0);
    expect({ attempts: sum('attempts'), answered: sum('answered'), busy: sum('busy'), rejected: sum('rejected'), alerted: sum('alerted') }).toEqual({
      attempts: 3,
      answered: 1,
      busy: 1,
      rejected: 1,
      alerted: 1,
    });
    expect(sum('talkSeconds')).toBe(cdrs.reduce((n, c) => n + Math.round((c.talkSeconds ?? 0) * 1000), 0) / 1000);

    const csvRes = await api(`/reports/calls?${range}`, { headers: { accept: 'text/csv' } });
    expect(csvRes.headers.get('content-type')).toMatch(/^text\/csv/);
    const [header, ...lines] = (await csvRes.text()).trimEnd().split('\r\n').map((l) => l.split(','));
    const totals = lines.filter((l) => l[1] === 'total').map((l) => Object.fromEntries(header.map((h, i) => [h, l[i]])));
    expect(totals.map((t) => t.hour)).toEqual(json.rows.map((r) => r.hour));
    totals.forEach((t, i) => {
      for (const [name, value] of Object.entries(json.rows[i].total)) expect(Number(t[name]), name).toBe(value);
    });

    // The three registered phones were online in the hour.
    const users = (await (await api(`/reports/users?${range}`)).json()) as { rows: { usersOnline: number; peakOnline: number }[] };
    expect(users.rows.at(-1)).toMatchObject({ usersOnline: 3, peakOnline: 3 });

    // CDRs of the range, as the admin sees them.
    const listed = (await (await api(`/cdrs?${range}&limit=10`)).json()) as { cdrs: { callId: string }[] };
    expect(listed.cdrs.map((c) => c.callId).sort()).toEqual(cdrs.map((c) => c.callId).sort());
  });

  it('refuses the API without the admin token (401); the old report page address leads to the console\'s reports', async () => {
    expect((await api('/reports/calls?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z', {}, null)).status).toBe(401);
    expect((await api('/reports/calls?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z', {}, 'wrong')).status).toBe(401);
    // The charts are a view of the admin console now (test/browser/admin-console.test.ts draws them in Chromium).
    const page = await fetch(`${base()}/admin/reports`, { redirect: 'manual' });
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toBe('/admin/#/reports');
  });
});
