/**
 * Changes through the admin API take effect at once on the real stack: the
 * API over the local stack's HTTP port (the bridge to the admin-api
 * function), SIPp phones against its SIP port. A user created through the
 * API registers on the next REGISTER; after a password change the old one
 * gets 403 on the next REGISTER; a deleted user's bindings are gone and an
 * INVITE to it gets 404. The live views (devices, calls in progress) show
 * what the phones do, and a tenant token reaches its own tenant only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasTool } from '../support/require-tool.js';
import { runSipp } from '../support/sipp.js';
import { registerSippDevice, runUas } from '../support/sipp-devices.js';
import { readBindings } from '../support/store-inspect.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';

const DOMAIN = 'acme.test';
const SEED = {
  tenants: [
    { id: 'acme', domains: [DOMAIN, '127.0.0.1'], users: [{ ext: '1001', password: 'pw-1001-live' }] },
    { id: 'globex', domains: ['globex.test'], users: [{ ext: '1001', password: 'pw-globex-1001' }] },
  ],
};

describe.runIf(hasTool('sipp'))('admin API changes on the running PBX (HTTP + SIPp)', () => {
  let stack: TestStack;
  const target = () => `127.0.0.1:${stack.sipPort}`;
  const api = async (method: string, path: string, body?: unknown, token: string | null = stack.adminToken.token) => {
    const res = await fetch(`http://127.0.0.1:${stack.httpPort}/api/v1${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, text };
  };
  const refusedRegister = (ext: string, password: string) =>
    runSipp({ scenario: 'register-refused.xml', transport: 'udp', target: target(), service: ext, authUser: ext, password, vars: { domain: DOMAIN } });

  beforeAll(async () => {
    stack = await startTestStack({ seed: SEED });
  });
  afterAll(async () => {
    await stack?.dispose();
  });

  it('serves its OpenAPI document without credentials', async () => {
    const res = await api('GET', '/openapi.json', undefined, null);
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(Object.keys(res.body.paths)).toContain('/tenants/{tenant}/users/{ext}');
  });

  it('a user created through the API registers at once and shows up as a device', async () => {
    const created = await api('POST', '/tenants/acme/users', { ext: '5001', password: 'pw-5001-one', displayName: 'Eve' });
    expect(created.status, created.text).toBe(201);
    const device = await registerSippDevice(target(), { ext: '5001', password: 'pw-5001-one', domain: DOMAIN });
    const devices = await api('GET', '/tenants/acme/users/5001/devices');
    expect(devices.status).toBe(200);
    expect(devices.body.devices).toEqual([
      expect.objectContaining({ transport: 'udp', source: `127.0.0.1:${device.port}`, edgeId: 'edge-test', contact: expect.stringContaining('sip:5001@127.0.0.1') }),
    ]);
    expect(devices.body.devices[0].expiresInSeconds).toBeGreaterThan(200);
  });

  it('after a password change the old password gets 403 on the next REGISTER', async () => {
    expect((await api('PATCH', '/tenants/acme/users/5001', { password: 'pw-5001-two' })).status).toBe(200);
    const old = await refusedRegister('5001', 'pw-5001-one');
    expect(old.code, old.stderr).toBe(0);
    expect(old.log).toMatch(/STATUS: SIP\/2\.0 403/);
    await registerSippDevice(target(), { ext: '5001', password: 'pw-5001-two', domain: DOMAIN });
  });

  it('lists a call in progress with its parties, answered', async () => {
    const callee = await registerSippDevice(target(), { ext: '5001', password: 'pw-5001-two', domain: DOMAIN });
    const uas = runUas(target(), callee, 'uas-answer.xml');
    await new Promise((r) => setTimeout(r, 300));
    const caller = runSipp({
      scenario: 'uac-call.xml', transport: 'udp', target: target(), service: '5001', authUser: '1001', password: 'pw-1001-live',
      vars: { domain: DOMAIN, caller: '1001', talk: '4000' }, timeoutSeconds: 30,
    });
    // Poll the API until the cdr function has recorded the answer (the bus delivers asynchronously).
    let calls: Array<{ state: string; caller?: { ext: string }; callee?: { ext: string } }> = [];
    for (let i = 0; i < 60 && !calls.some((c) => c.state === 'answered'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      calls = (await api('GET', '/tenants/acme/calls')).body.calls;
    }
    expect(calls).toEqual([expect.objectContaining({ state: 'answered', caller: { ext: '1001' }, callee: { ext: '5001', displayName: 'Eve' }, edgeId: 'edge-test', edgeAlive: true })]);
    expect((await api('GET', '/tenants/globex/calls')).body.calls).toEqual([]);
    expect((await caller).code).toBe(0);
    expect((await uas).code).toBe(0);
  });

  it('a deleted user loses its bindings at once and an INVITE to it gets 404', async () => {
    expect((await readBindings(stack, 'acme', '5001')).length).toBeGreaterThan(0);
    expect((await api('DELETE', '/tenants/acme/users/5001')).status).toBe(204);
    expect(await readBindings(stack, 'acme', '5001')).toEqual([]);
    const invite = await runSipp({
      scenario: 'uac-expect-final.xml', transport: 'udp', target: target(), service: '5001', authUser: '1001', password: 'pw-1001-live',
      vars: { domain: DOMAIN, caller: '1001' }, template: { status: '404' },
    });
    expect(invite.code, invite.stderr).toBe(0);
    const registerAgain = await refusedRegister('5001', 'pw-5001-two');
    expect(registerAgain.code, registerAgain.stderr).toBe(0);
  });

  it('a tenant token made through the API opens its tenant and gets 403 for another, over HTTP', async () => {
    const created = await api('POST', '/tenants/acme/tokens', { name: 'live-test' });
    expect(created.status).toBe(201);
    const token = created.body.token as string;
    expect((await api('GET', '/tenants/acme/users', undefined, token)).status).toBe(200);
    expect((await api('GET', '/tenants/globex/users', undefined, token)).status).toBe(403);
    expect((await api('GET', '/tenants/globex/cdrs?from=2026-01-01&to=2026-01-02', undefined, token)).status).toBe(403);
    expect((await api('DELETE', '/tenants/acme/tokens/live-test')).status).toBe(204);
    expect((await api('GET', '/tenants/acme/users', undefined, token)).status).toBe(401);
  });
});
