/**
 * The register and flow-closed handlers against a real DynamoDB API
 * (dynalite), driven with REGISTERs parsed from SIP text.
 */
import type { Context } from 'aws-lambda';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RegisterResult, SipReply } from '../../contracts/function-events.js';
import { createFlowClosedHandler } from '../../functions/src/registration/flow-closed-handler.js';
import { createRegisterHandler } from '../../functions/src/registration/register-handler.js';
import { applySeed } from '../../functions/src/seed/apply-seed.js';
import { parseNameAddr, type DigestAlgorithm } from '../../sip/index.js';
import type { Source } from '../../contracts/transport.js';
import { EDGE, NOW, REGISTRAR_SETTINGS, registerEvent, registerText, sipRequest, UDP_SOURCE } from '../unit/functions/fixtures.js';
import { answerChallenge } from './digest-client.js';
import { PASSWORDS, startLocalDynamo, TEST_SEED, TEST_TABLE, type LocalDynamo } from './local-dynamo.js';

const CONTEXT = {} as Context;

let db: LocalDynamo;
let clock = NOW;
let register: ReturnType<typeof createRegisterHandler>;
let flowClosed: ReturnType<typeof createFlowClosedHandler>;

beforeAll(async () => {
  db = await startLocalDynamo();
  const deps = { ...db.stores, settings: REGISTRAR_SETTINGS, now: () => clock };
  register = createRegisterHandler(deps);
  flowClosed = createFlowClosedHandler({ bindings: db.stores.bindings, now: () => clock });
});

afterAll(async () => {
  await db?.close();
});

let callSeq = 0;
beforeEach(() => {
  clock += 3_600_000 * 2; // every test starts after the previous test's bindings expired
});

interface RegisterOptions {
  user: string;
  domain?: string;
  contacts?: string[];
  expires?: number;
  callId?: string;
  cseq?: number;
  source?: Source;
  algorithm?: DigestAlgorithm;
  password?: string;
  tenant?: string;
}

async function send(o: RegisterOptions & { authorization?: string }): Promise<RegisterResult> {
  const text = registerText({
    user: o.user,
    domain: o.domain ?? 'acme.test',
    callId: o.callId ?? 'call@test',
    cseq: o.cseq ?? 1,
    ...(o.contacts ? { contacts: o.contacts } : {}),
    ...(o.expires !== undefined ? { expires: o.expires } : {}),
    ...(o.authorization ? { authorization: o.authorization } : {}),
  });
  return register(registerEvent(sipRequest(text), o.source ?? deviceSource(o.contacts)), CONTEXT);
}

/** Each simulated phone sends from the address its Contact names (contact-policy.ts), as a real one does. */
function deviceSource(contacts: string[] | undefined): Source {
  const host = /^<sip:[^@>]+@([\d.]+)/.exec(contacts?.[0] ?? '')?.[1];
  return host ? { ...UDP_SOURCE, address: host } : UDP_SOURCE;
}

/** REGISTER → 401 → REGISTER with credentials, as a phone does; returns the second answer. */
async function registerWithAuth(o: RegisterOptions): Promise<RegisterResult> {
  const callId = o.callId ?? `call-${++callSeq}@test`;
  const cseq = o.cseq ?? 1;
  const domain = o.domain ?? 'acme.test';
  const first = await send({ ...o, callId, cseq });
  expect(first.reply.status).toBe(401);
  const authorization = answerChallenge(first.reply, {
    username: o.user,
    password: o.password ?? PASSWORDS[`${o.tenant ?? 'acme'}/${o.user}`]!,
    uri: `sip:${domain}`,
    ...(o.algorithm ? { algorithm: o.algorithm } : {}),
  });
  return send({ ...o, callId, cseq: cseq + 1, authorization });
}

const contactsOf = (reply: SipReply) =>
  reply.headers.filter((h) => h.name === 'Contact').map((h) => parseNameAddr(h.value)!);
const header = (reply: SipReply, name: string) => reply.headers.find((h) => h.name === name)?.value;

describe('register handler with DynamoDB (dynalite)', () => {
  it.each(['MD5', 'SHA-256'] as const)('runs challenge → 200 OK with %s and stores the binding', async (algorithm) => {
    const result = await registerWithAuth({ user: '1001', contacts: ['<sip:1001@198.51.100.7:5060>'], algorithm });
    expect(result.reply).toMatchObject({ status: 200, reason: 'OK' });
    expect(result.auth).toEqual({ outcome: 'ok', tenantId: 'acme', username: '1001' });
    expect(contactsOf(result.reply)).toEqual([{ uri: 'sip:1001@198.51.100.7:5060', params: { expires: '3600' } }]);
    expect(header(result.reply, 'Date')).toBe(new Date(clock).toUTCString());

    const stored = await db.stores.bindings.loadBindings({ tenantId: 'acme', ext: '1001' }, clock);
    expect(stored.bindings).toMatchObject([{ contact: 'sip:1001@198.51.100.7:5060', edgeId: EDGE.id, address: '198.51.100.7', port: 5060, protocol: 'udp' }]);
  });

  it('sends two WWW-Authenticate challenges (MD5 first) and reports the challenge outcome', async () => {
    const first = await send({ user: '1001', contacts: ['<sip:1001@198.51.100.7:5060>'] });
    expect(first.reply.status).toBe(401);
    expect(first.reply.headers.filter((h) => h.name === 'WWW-Authenticate').map((h) => h.value)).toEqual([
      expect.stringMatching(/^Digest realm="acme\.test", nonce="[^"]+", algorithm=MD5, qop="auth"$/),
      expect.stringMatching(/^Digest realm="acme\.test", nonce="[^"]+", algorithm=SHA-256, qop="auth"$/),
    ]);
    expect(first.auth).toEqual({ outcome: 'challenge', tenantId: 'acme' });
  });

  it('answers a wrong password and an unknown user with the same 403 and reports them as failed', async () => {
    const wrong = await registerWithAuth({ user: '1001', contacts: ['<sip:1001@198.51.100.7>'], password: 'nope' });
    const unknown = await registerWithAuth({ user: '7777', contacts: ['<sip:7777@198.51.100.7>'], password: 'nope' });
    expect(wrong.reply).toEqual({ status: 403, reason: 'Forbidden', headers: [] });
    expect(unknown.reply).toEqual(wrong.reply);
    expect(wrong.auth).toMatchObject({ outcome: 'failed', username: '1001' });
    expect(unknown.auth).toMatchObject({ outcome: 'failed', username: '7777' });
  });

  it('keeps tenants apart: the same extension in another domain uses that tenant realm and password', async () => {
    const result = await registerWithAuth({ user: '1001', domain: 'globex.test', tenant: 'globex', contacts: ['<sip:1001@203.0.113.5>'] });
    expect(result.reply.status).toBe(200);
    expect(result.auth).toMatchObject({ tenantId: 'globex' });
    const acme = await db.stores.bindings.loadBindings({ tenantId: 'acme', ext: '1001' }, clock);
    expect(acme.bindings.map((b) => b.contact)).not.toContain('sip:1001@203.0.113.5');
  });

  it('never returns a binding after it expired, even while the item is still stored', async () => {
    await registerWithAuth({ user: '1001', contacts: ['<sip:1001@198.51.100.7:5060>'], expires: 60 });
    clock += 61_000;
    const query = await registerWithAuth({ user: '1001' });
    expect(query.reply.status).toBe(200);
    expect(contactsOf(query.reply)).toEqual([]);
  });

  it('answers 423 with Min-Expires for a too brief interval', async () => {
    const result = await registerWithAuth({ user: '1001', contacts: ['<sip:1001@198.51.100.7>'], expires: 10 });
    expect(result.reply).toEqual({ status: 423, reason: 'Interval Too Brief', headers: [{ name: 'Min-Expires', value: '60' }] });
  });

  it('removes a binding with expires=0 and all of them with Contact: *', async () => {
    const devices = ['<sip:1002@192.0.2.1>', '<sip:1002@192.0.2.2>'];
    for (const c of devices) expect((await registerWithAuth({ user: '1002', contacts: [c] })).reply.status).toBe(200);
    const one = await registerWithAuth({ user: '1002', contacts: ['<sip:1002@192.0.2.1>;expires=0'] });
    expect(contactsOf(one.reply).map((c) => c.uri)).toEqual(['sip:1002@192.0.2.2']);
    const all = await registerWithAuth({ user: '1002', contacts: ['*'], expires: 0 });
    expect(all.reply.status).toBe(200);
    expect(contactsOf(all.reply)).toEqual([]);
  });

  it('single-device user: a new device replaces the old binding', async () => {
    await registerWithAuth({ user: '1001', contacts: ['<sip:1001@192.0.2.10>'] });
    const second = await registerWithAuth({ user: '1001', contacts: ['<sip:1001@192.0.2.11>'] });
    expect(contactsOf(second.reply).map((c) => c.uri)).toEqual(['sip:1001@192.0.2.11']);
  });

  it('multi-device user: three devices register, a fourth is refused naming the limit', async () => {
    for (const n of [1, 2, 3]) {
      const r = await registerWithAuth({ user: '1002', contacts: [`<sip:1002@192.0.2.${n}>`] });
      expect(contactsOf(r.reply)).toHaveLength(n);
    }
    const fourth = await registerWithAuth({ user: '1002', contacts: ['<sip:1002@192.0.2.4>'] });
    expect(fourth.reply).toMatchObject({ status: 403, reason: 'Too many devices (max 3)' });
    expect(fourth.auth?.outcome).toBe('ok');
  });

  it('multi-device user: four devices racing for three slots — exactly three win (optimistic concurrency)', async () => {
    const results = await Promise.all(
      [1, 2, 3, 4].map((n) => registerWithAuth({ user: '1002', contacts: [`<sip:1002@198.18.0.${n}>`] })),
    );
    const statuses = results.map((r) => r.reply.status).sort();
    expect(statuses).toEqual([200, 200, 200, 403]);
    const stored = await db.stores.bindings.loadBindings({ tenantId: 'acme', ext: '1002' }, clock);
    expect(stored.bindings).toHaveLength(3);
  });

  it('echoes +sip.instance and reg-id and records the flow of a WebSocket device', async () => {
    const wsSource: Source = { protocol: 'wss', address: '198.51.100.30', port: 51000, flowId: 'ws-flow-1' };
    const contact = '<sip:x7h2@k9.invalid;transport=ws>;+sip.instance="<urn:uuid:6b8b4567-0000-4000-8000-000000000001>";reg-id=1';
    const r = await registerWithAuth({ user: '1001', contacts: [contact], source: wsSource });
    expect(r.reply.headers.find((h) => h.name === 'Contact')?.value).toBe(
      '<sip:x7h2@k9.invalid;transport=ws>;expires=3600;+sip.instance="<urn:uuid:6b8b4567-0000-4000-8000-000000000001>";reg-id=1',
    );
    expect(await db.stores.bindings.listFlowAors(EDGE.id, 'ws-flow-1')).toEqual([{ tenantId: 'acme', ext: '1001' }]);
  });

  it('re-applying the seed leaves registrations alone', async () => {
    await registerWithAuth({ user: '1001', contacts: ['<sip:1001@192.0.2.77>'] });
    await applySeed({ directory: db.stores.directory }, TEST_SEED);
    const stored = await db.stores.bindings.loadBindings({ tenantId: 'acme', ext: '1001' }, clock);
    expect(stored.bindings.map((b) => b.contact)).toEqual(['sip:1001@192.0.2.77']);
  });

  it('stores HA1s, never the password', async () => {
    const scan = await db.doc.send(new ScanCommand({ TableName: TEST_TABLE }));
    const text = JSON.stringify(scan.Items);
    for (const password of Object.values(PASSWORDS)) expect(text).not.toContain(password);
    const user = scan.Items!.find((i) => i.pk === 'TENANT#acme' && i.sk === 'USER#1001');
    expect(user?.ha1).toEqual({ MD5: expect.stringMatching(/^[0-9a-f]{32}$/), 'SHA-256': expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it('rejects an event of the wrong shape before touching the store', async () => {
    await expect(register({ type: 'register', edge: EDGE } as never, CONTEXT)).rejects.toThrow(/Invalid event: source/);
  });
});

describe('flow-closed handler with DynamoDB (dynalite)', () => {
  it('removes the bindings reachable only through the closed flow, keeps the others, and is idempotent', async () => {
    const tcp: Source = { protocol: 'tcp', address: '198.51.100.40', port: 40001, flowId: 'tcp-flow-9' };
    // An RFC 5626 outbound registration (reg-id): the device can only be reached over this flow.
    const outbound = '<sip:1002@10.0.0.40;transport=tcp>;+sip.instance="<urn:uuid:00000000-0000-4000-8000-000000000009>";reg-id=1';
    await registerWithAuth({ user: '1002', contacts: [outbound], source: tcp });
    // A plain TCP desk phone on the same flow listens on its Contact: it stays (RFC 3261 §18.1.1: open a new connection).
    await registerWithAuth({ user: '1002', contacts: ['<sip:1002@10.0.0.42;transport=tcp>'], source: tcp });
    await registerWithAuth({ user: '1002', contacts: ['<sip:1002@10.0.0.41>'] });

    const first = await flowClosed({ type: 'flow-closed', edge: EDGE, flowId: 'tcp-flow-9' }, CONTEXT);
    expect(first).toEqual({ removedBindings: 1 });
    const left = await db.stores.bindings.loadBindings({ tenantId: 'acme', ext: '1002' }, clock);
    expect(left.bindings.map((b) => b.contact).sort()).toEqual(['sip:1002@10.0.0.41', 'sip:1002@10.0.0.42;transport=tcp']);
    expect(await db.stores.bindings.listFlowAors(EDGE.id, 'tcp-flow-9')).toEqual([]);

    expect(await flowClosed({ type: 'flow-closed', edge: EDGE, flowId: 'tcp-flow-9' }, CONTEXT)).toEqual({ removedBindings: 0 });
  });

  it('a device refreshing over its connection writes the flow index once (a refresh is one write), and flow-closed still finds it', async () => {
    const ws: Source = { protocol: 'wss', address: '198.51.100.45', port: 51002, flowId: 'ws-refresh-1' };
    const contact = '<sip:abc@df7jal23ls0d.invalid;transport=ws>';
    const indexWrites = vi.spyOn(db.stores.bindings, 'addFlowAor');
    try {
      await registerWithAuth({ user: '1001', contacts: [contact], source: ws, callId: 'ws-refresh@test', cseq: 1 });
      clock += 1_800_000;
      await registerWithAuth({ user: '1001', contacts: [contact], source: ws, callId: 'ws-refresh@test', cseq: 3 });
      clock += 1_800_000;
      await registerWithAuth({ user: '1001', contacts: [contact], source: ws, callId: 'ws-refresh@test', cseq: 5 });
      expect(indexWrites).toHaveBeenCalledTimes(1);
      // A day later the entry would lapse before the refreshed binding: written again.
      clock += 86_400_000 - 3_600_000;
      await registerWithAuth({ user: '1001', contacts: [contact], source: ws, callId: 'ws-refresh@test', cseq: 7 });
      expect(indexWrites).toHaveBeenCalledTimes(2);
    } finally {
      indexWrites.mockRestore();
    }
    expect(await flowClosed({ type: 'flow-closed', edge: EDGE, flowId: 'ws-refresh-1' }, CONTEXT)).toEqual({ removedBindings: 1 });
  });

  it('leaves a flow with the same id on another edge alone', async () => {
    const tcp: Source = { protocol: 'tcp', address: '198.51.100.41', port: 40002, flowId: 'shared-id' };
    await registerWithAuth({ user: '1001', contacts: ['<sip:1001@10.0.0.50;transport=tcp>'], source: tcp });
    const other = await flowClosed({ type: 'flow-closed', edge: { id: 'edge-b', bootId: 'b1' }, flowId: 'shared-id' }, CONTEXT);
    expect(other).toEqual({ removedBindings: 0 });
    const item = await db.stores.bindings.loadBindings({ tenantId: 'acme', ext: '1001' }, clock);
    expect(item.bindings).toHaveLength(1);
  });

  it('a REGISTER after every binding expired writes the next version of the same item', async () => {
    const before = await db.stores.bindings.loadBindings({ tenantId: 'acme', ext: '1002' }, clock);
    expect(before.bindings).toEqual([]);
    expect(before.version).toBeGreaterThan(0);
    const r = await registerWithAuth({ user: '1002', contacts: ['<sip:1002@10.0.0.60>'] });
    expect(r.reply.status).toBe(200);
    const after = await db.stores.bindings.loadBindings({ tenantId: 'acme', ext: '1002' }, clock);
    expect(after.version).toBe(before.version + 1);
  });
});
