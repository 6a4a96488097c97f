/**
 * authorize-call's trunk paths against a real DynamoDB API (dynalite):
 * outbound prefix routes with admission and failover legs, inbound calls
 * recognised by source address or registered line, DID mapping, limits.
 */
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AuthorizeCallResult } from '../../contracts/function-events.js';
import { createAuthorizeCallHandler } from '../../functions/src/calls/authorize-call-handler.js';
import type { AuthorizeCallDeps } from '../../functions/src/calls/authorize-call.js';
import { applySeed } from '../../functions/src/seed/apply-seed.js';
import { parseSeed } from '../../functions/src/seed/seed-schema.js';
import { TrunkUsageRepository } from '../../functions/src/trunks/trunk-usage-repository.js';
import { TrunkRepository } from '../../functions/src/trunks/trunk-repository.js';
import type { Source } from '../../contracts/transport.js';
import { authorizeCallEvent, binding, EDGE, NOW, REGISTRAR_SETTINGS, sipRequest } from '../unit/functions/fixtures.js';
import { authorizedCall, statusOf } from './call-client.js';
import { startLocalDynamo, TEST_TABLE, type LocalDynamo } from './local-dynamo.js';

const CONTEXT = {} as Context;
const CARRIER: Source = { protocol: 'udp', address: '203.0.113.10', port: 5060 };
const LINE_CARRIER: Source = { protocol: 'udp', address: '203.0.113.20', port: 41234 };

const SEED = parseSeed({
  tenants: [
    {
      id: 'tco',
      domains: ['tco.test'],
      users: [
        { ext: '3001', password: 'pw-3001', displayName: 'Dora' },
        { ext: '3002', password: 'pw-3002' },
        { ext: '9001', password: 'pw-9001' },
      ],
      trunks: [
        {
          id: 'main',
          kind: 'ip',
          host: '203.0.113.10',
          transport: 'udp',
          routes: [{ prefix: '9', strip: 1 }],
          dids: { '5551000': '3001' },
          maxIncomingCalls: 1,
          maxOutgoingCalls: 1,
        },
        { id: 'backup', kind: 'ip', host: '203.0.113.11', port: 5070, routes: [{ prefix: '9', strip: 1, prepend: '00' }], callerId: 'pai', username: 'acct-b' },
        { id: 'closed', kind: 'ip', host: '203.0.113.12', routes: [{ prefix: '7' }], maxOutgoingCalls: 0, dids: { '5553000': '3001' }, maxIncomingCalls: 0 },
        {
          id: 'line',
          kind: 'register',
          host: '203.0.113.20',
          username: 'acct77',
          password: 'pw77',
          routes: [{ prefix: '8', strip: 1 }],
          dids: { '5554000': '3002' },
        },
      ],
    },
  ],
});

let db: LocalDynamo;
let clock = NOW;
let authorize: ReturnType<typeof createAuthorizeCallHandler>;
let usage: TrunkUsageRepository;
let seq = 0;
const nextCallId = () => `trunk-call-${++seq}@test`;

beforeAll(async () => {
  db = await startLocalDynamo();
  const trunks = new TrunkRepository(db.doc, TEST_TABLE);
  await applySeed({ directory: db.stores.directory, trunks }, SEED);
  usage = new TrunkUsageRepository(db.doc, TEST_TABLE);
  const deps: AuthorizeCallDeps = {
    directory: db.stores.directory,
    bindings: db.stores.bindings,
    slots: db.stores.callSlots,
    edges: db.stores.edges,
    settings: REGISTRAR_SETTINGS,
    now: () => clock,
    trunks,
    trunkUsage: usage,
    resolveHost: async (host) => [host],
  };
  authorize = createAuthorizeCallHandler(deps);
});

afterAll(async () => {
  await db?.close();
});

beforeEach(() => {
  clock += 3_600_000 * 2;
});

async function online(ext: string): Promise<void> {
  const { version } = await db.stores.bindings.loadBindings({ tenantId: 'tco', ext }, clock);
  const b = { ...binding({ key: `k-${ext}`, contact: `sip:${ext}@10.1.0.1:5060` }), expiresAt: clock + 3_600_000, registeredAt: clock };
  expect(await db.stores.bindings.saveBindings({ tenantId: 'tco', ext }, [b], version, clock)).toBe(true);
}

const userCall = (to: string, callId = nextCallId()) => authorizedCall(authorize, { from: '3001', to, domain: 'tco.test', password: 'pw-3001', callId });

function carrierInvite(o: { to: string; callId: string; requestUser?: string; source?: Source }): Promise<AuthorizeCallResult> {
  const ruser = o.requestUser ?? o.to;
  const text = [
    `INVITE sip:${ruser}@pbx.tco.test SIP/2.0`,
    'Via: SIP/2.0/UDP 203.0.113.10:5060;branch=z9hG4bK-carrier-1',
    'Max-Forwards: 70',
    'From: "Caller" <sip:+15557654321@carrier.example>;tag=c1',
    `To: <sip:${o.to}@pbx.tco.test>`,
    `Call-ID: ${o.callId}`,
    'CSeq: 1 INVITE',
    'Contact: <sip:+15557654321@203.0.113.10:5060>',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  return authorize(authorizeCallEvent(sipRequest(text), o.source ?? CARRIER, EDGE), CONTEXT);
}

describe('outbound: prefix routes, admission, failover legs', () => {
  it('routes 9<number> out through the first trunk with a slot, listing the other trunks as failover legs', async () => {
    const callId = nextCallId();
    const result = await userCall('95550123', callId);
    expect(result.decision).toBe('route');
    if (result.decision !== 'route') return;
    expect(result.call).toMatchObject({ direction: 'outbound', trunkId: 'main', callee: { ext: '95550123' }, trunkSlots: [{ tenantId: 'tco', trunkId: 'main', direction: 'out' }] });
    expect(result.targets).toEqual([]);
    expect(result.trunkLegs?.map((l) => [l.trunkId, l.admitted, l.requestUri])).toEqual([
      ['main', true, 'sip:5550123@203.0.113.10'],
      ['backup', false, 'sip:005550123@203.0.113.11:5070'],
    ]);
    // "from" presentation: the caller's extension; "pai": the account in From, the caller asserted.
    expect(result.trunkLegs?.[0]).toMatchObject({ from: '"Dora" <sip:3001@203.0.113.10>', to: '<sip:5550123@203.0.113.10>' });
    expect(result.trunkLegs?.[1]).toMatchObject({ from: '<sip:acct-b@203.0.113.11>', assertedIdentity: '"Dora" <sip:3001@203.0.113.11>' });
    expect(await usage.usage({ tenantId: 'tco', trunkId: 'main' })).toEqual({ in: 0, out: 1, total: 1 });

    // main is full now: the next call is admitted on backup directly.
    const second = await userCall('95550124');
    expect(second.decision === 'route' && second.trunkLegs?.map((l) => [l.trunkId, l.admitted])).toEqual([['backup', true]]);
    expect(await usage.usage({ tenantId: 'tco', trunkId: 'main' })).toEqual({ in: 0, out: 1, total: 1 });
    await usage.release({ tenantId: 'tco', trunkId: 'main' }, callId);
  });

  it('an exact extension wins over a trunk prefix', async () => {
    await online('9001');
    const result = await userCall('9001');
    expect(result.decision === 'route' && result.call.direction).toBe('internal');
  });

  it('refuses with 403 when every matching trunk has outgoing calls disabled (limit 0), releasing the caller slot', async () => {
    const callId = nextCallId();
    const result = await userCall('7123', callId);
    expect(result).toMatchObject({ decision: 'reply', reply: { status: 403, reason: 'Outgoing trunk calls not allowed' } });
    expect(result.decision === 'reply' && result.rejectedCall?.call.direction).toBe('outbound');
    expect((await db.stores.callSlots.load({ tenantId: 'tco', ext: '3001' })).entries.some((c) => c.callId === callId)).toBe(false);
  });

  it('a number matching no extension and no trunk route is 404', async () => {
    expect(statusOf(await userCall('6123'))).toBe(404);
  });
});

describe('inbound: recognised by source, DID to extension', () => {
  it('routes a DID from the IP trunk to the mapped user without a challenge, taking an incoming slot', async () => {
    await online('3001');
    const callId = nextCallId();
    const result = await carrierInvite({ to: '5551000', callId });
    expect(result.decision).toBe('route');
    if (result.decision !== 'route') return;
    expect(result.call).toMatchObject({
      direction: 'inbound',
      trunkId: 'main',
      caller: { ext: '+15557654321', displayName: 'Caller' },
      callee: { ext: '3001' },
      trunkSlots: [{ tenantId: 'tco', trunkId: 'main', direction: 'in' }],
    });
    expect(result.targets).toHaveLength(1);

    // maxIncomingCalls 1: a second call at once is busy; the slot count stays exact.
    const busy = await carrierInvite({ to: '5551000', callId: nextCallId() });
    expect(busy).toMatchObject({ decision: 'reply', reply: { status: 486 } });
    expect(await usage.usage({ tenantId: 'tco', trunkId: 'main' })).toMatchObject({ in: 1 });
    await usage.release({ tenantId: 'tco', trunkId: 'main' }, callId);
  });

  it('answers 404 for a DID the trunk does not map (and still reports the refused call)', async () => {
    expect(await carrierInvite({ to: '5559999', callId: nextCallId() })).toMatchObject({ decision: 'reply', reply: { status: 404 }, rejectedCall: { call: { direction: 'inbound', trunkId: 'main' } } });
  });

  it('refuses with 403 on a trunk whose incoming direction is disabled (limit 0)', async () => {
    await online('3001');
    const closed: Source = { protocol: 'udp', address: '203.0.113.12', port: 5060 };
    expect(await carrierInvite({ to: '5553000', callId: nextCallId(), source: closed })).toMatchObject({ decision: 'reply', reply: { status: 403 } });
  });

  it('treats a call from an unknown source claiming the DID as anonymous: challenged', async () => {
    const stranger: Source = { protocol: 'udp', address: '203.0.113.10', port: 5999 };
    expect(statusOf(await carrierInvite({ to: '5551000', callId: nextCallId(), source: stranger }))).toBe(407);
  });

  it('recognises a call on the registered line by its Contact user and the carrier host, the DID in To', async () => {
    await online('3002');
    const callId = nextCallId();
    const result = await carrierInvite({ to: '5554000', requestUser: 'acct77', callId, source: LINE_CARRIER });
    expect(result.decision === 'route' && result.call).toMatchObject({ direction: 'inbound', trunkId: 'line', callee: { ext: '3002' } });
    await usage.release({ tenantId: 'tco', trunkId: 'line' }, callId);
    // The same request from another host is not the line.
    const other: Source = { protocol: 'udp', address: '198.51.100.99', port: 5060 };
    expect(statusOf(await carrierInvite({ to: '5554000', requestUser: 'acct77', callId: nextCallId(), source: other }))).toBe(407);
  });
});
