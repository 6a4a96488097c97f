import { describe, expect, it } from 'vitest';
import { directoryChangedEvent } from '../../../contracts/bus/directory-events.js';
import type { AuthorizeCallResult } from '../../../contracts/function-events.js';
import type { Source } from '../../../contracts/transport.js';
import type { Trunk } from '../../../contracts/trunk.js';
import { InviteChallenges, inviteChallengeKey } from '../../../edge/src/core/invite-challenges.js';
import { authorizeCall, type AuthorizeCallDeps } from '../../../functions/src/calls/authorize-call.js';
import type { DirectoryReader } from '../../../functions/src/directory/directory-repository.js';
import type { Tenant } from '../../../functions/src/directory/tenant.js';
import { checkNonce, createNonce, parseAuthHeader, type SipRequest } from '../../../sip/index.js';
import { authorizeCallEvent, callText, EDGE, NOW, REGISTRAR_SETTINGS, sipRequest, UDP_SOURCE, type CallTextOptions } from '../functions/fixtures.js';

const TENANT: Tenant = { id: 'acme', realm: 'acme-realm', domains: ['acme.test'] };
const SECRET = REGISTRAR_SETTINGS.nonceSecret;
const ISSUER = `${EDGE.id}/${EDGE.bootId}`;
const TTL_MS = 5_000;
const WS_SOURCE: Source = { protocol: 'ws', address: UDP_SOURCE.address, port: 51000, flowId: 'ws-1' };
/** An IP trunk's carrier: known by this address and port only. */
const CARRIER: Source = { protocol: 'udp', address: '203.0.113.9', port: 5060 };
const TRUNK: Trunk = {
  tenantId: 'acme', id: 'carrier1', kind: 'ip', host: CARRIER.address, port: CARRIER.port, transport: 'udp',
  expires: 3600, callerId: 'from', routes: [], dids: { '5551000': '1002' },
} as Trunk;

const directory: DirectoryReader = {
  findTenantByDomain: async (domain) => (TENANT.domains.includes(domain) ? TENANT : undefined),
  getUser: async () => undefined,
};

/** authorize-call itself, with the directory and trunk above; nobody is online (a trunk call ends 480). */
const deps: AuthorizeCallDeps = {
  directory,
  bindings: { loadBindings: async () => ({ bindings: [], version: 0 }) },
  slots: {} as AuthorizeCallDeps['slots'],
  edges: { listEdges: async () => [] },
  settings: REGISTRAR_SETTINGS,
  now: () => NOW,
  trunks: {
    listTrunks: async () => [TRUNK],
    findTrunkBySource: async (address, port) => (address === TRUNK.host && port === TRUNK.port ? TRUNK : undefined),
    findTrunksBySource: async (address, port) => (address === TRUNK.host && port === TRUNK.port ? [TRUNK] : []),
    listRegisteringTrunks: async () => [],
  },
};
const authorize = (request: SipRequest, source: Source = UDP_SOURCE) => authorizeCall(authorizeCallEvent(request, source, EDGE, 'ref-1'), deps);

const invite = (o: Partial<CallTextOptions> = {}) => sipRequest(callText({ from: '1001', domain: 'acme.test', to: '1002', ...o }));

function edge(clock = { now: NOW }, ttlMs = TTL_MS): InviteChallenges {
  return new InviteChallenges({ secret: SECRET, identity: EDGE, ttlMs, now: () => clock.now });
}

/** An edge that relayed authorize-call's 407 for `request` from `source`: that is the only way it learns. */
async function taught(request: SipRequest, source: Source = UDP_SOURCE, clock = { now: NOW }): Promise<InviteChallenges> {
  const challenges = edge(clock);
  challenges.learn(request, source, await authorize(request, source));
  return challenges;
}

/** What the UA sees and what the edge reads of it, the nonce aside (random per challenge). */
function shape(result: AuthorizeCallResult | undefined) {
  if (!result || result.decision !== 'reply') return result;
  const { reply, auth, digest } = result;
  return { status: reply.status, reason: reply.reason, headers: reply.headers.map((h) => ({ name: h.name, value: h.value.replace(/nonce="[^"]*"/, 'nonce="*"') })), auth, digest };
}

describe('first INVITE challenges issued by the edge', () => {
  it.each([
    ['a known domain, UDP (MD5 first)', invite(), UDP_SOURCE],
    ['a known domain, WebSocket (MD5 last)', invite(), WS_SOURCE],
    ['a domain no tenant serves (realm = the domain)', invite({ domain: 'nowhere.example' }), UDP_SOURCE],
  ] as const)('%s: the same 407 as authorize-call, with a nonce it accepts', async (_, request, source) => {
    const challenges = await taught(request, source);
    const mine = challenges.answer(request, source);
    const theirs = await authorize(request, source);
    expect(mine?.decision === 'reply' && mine.reply.status).toBe(407);
    expect(shape(mine)).toEqual(shape(theirs));
    for (const header of (mine as Extract<AuthorizeCallResult, { decision: 'reply' }>).reply.headers) {
      expect(header.name).toBe('Proxy-Authenticate');
      const p = parseAuthHeader(header.value)!.params;
      expect(checkNonce(SECRET, p.realm!, p.nonce!, NOW, 300_000, { source: source.address, issuer: ISSUER }).status).toBe('valid');
    }
  });

  it('leaves an INVITE to authorize-call until authorize-call has challenged that source and From domain', async () => {
    expect(edge().answer(invite(), UDP_SOURCE)).toBeUndefined();
    const challenges = await taught(invite());
    expect(challenges.answer(invite({ callId: 'another-call', fromTag: 'other' }), UDP_SOURCE)).toBeDefined();
    // Each of these may be a trunk call, or another tenant's realm: only authorize-call can tell.
    expect(challenges.answer(invite(), { ...UDP_SOURCE, port: 5062 })).toBeUndefined();
    expect(challenges.answer(invite(), { ...UDP_SOURCE, address: '198.51.100.8' })).toBeUndefined();
    expect(challenges.answer(invite({ domain: 'other.test', requestHost: 'acme.test' }), UDP_SOURCE)).toBeUndefined();
    expect(challenges.answer(invite({ method: 'MESSAGE' }), UDP_SOURCE)).toBeUndefined();
    // No trunk can be at a phone's source (anyNumber): its INVITEs to other numbers are the edge's to challenge too.
    expect(challenges.answer(invite({ to: '5551000' }), UDP_SOURCE)).toBeDefined();
  });

  it('keys by the number too where a trunk could send from the source: a registering line whose carrier is that address', async () => {
    const line: Trunk = { ...TRUNK, id: 'line1', kind: 'register', host: UDP_SOURCE.address, port: 5060, username: 'acct1', password: 'pw' } as Trunk;
    const withLine: AuthorizeCallDeps = { ...deps, trunks: { ...deps.trunks!, listRegisteringTrunks: async () => [line] } };
    const first = await authorizeCall(authorizeCallEvent(invite(), UDP_SOURCE, EDGE, 'ref-2'), withLine);
    expect(first).toMatchObject({ decision: 'reply', reply: { status: 407 } });
    expect(first).not.toHaveProperty('anyNumber');
    const challenges = edge();
    challenges.learn(invite(), UDP_SOURCE, first);
    expect(challenges.answer(invite({ callId: 'again', fromTag: 'again' }), UDP_SOURCE)).toBeDefined();
    // The line's account number from the carrier's address is a trunk call: only authorize-call can tell.
    expect(challenges.answer(invite({ to: 'acct1' }), UDP_SOURCE)).toBeUndefined();
  });

  it('leaves to authorize-call every INVITE with Proxy-Authorization, its own nonces, foreign ones and forged ones alike', async () => {
    const challenges = await taught(invite());
    const fresh = createNonce(SECRET, 'acme-realm', NOW, { source: UDP_SOURCE.address, issuer: ISSUER });
    for (const nonce of [fresh, 'AAAA.BBBB']) {
      const proxyAuthorization = `Digest username="1001", realm="acme-realm", nonce="${nonce}", uri="sip:1002@acme.test", response="00", qop=auth, nc=00000001, cnonce="c"`;
      expect(challenges.answer(invite({ proxyAuthorization }), UDP_SOURCE)).toBeUndefined();
    }
    expect(challenges.answer(invite({ proxyAuthorization: 'Digest realm="elsewhere", nonce="x"' }), UDP_SOURCE)).toBeUndefined();
  });

  it('leaves malformed INVITEs to authorize-call, which answers them 400 or 416 (never a 407 from the edge)', async () => {
    const challenges = await taught(invite());
    const badFrom = sipRequest(callText({ from: '1001', domain: 'acme.test', to: '1002' }).replace(/^From: .*$/m, 'From: nobody'));
    const telFrom = sipRequest(callText({ from: '1001', domain: 'acme.test', to: '1002' }).replace(/^From: .*$/m, 'From: <tel:1001>;tag=x'));
    const scheme = sipRequest(callText({ from: '1001', domain: 'acme.test', to: '1002' }).replace('INVITE sip:1002@acme.test', 'INVITE mailto:1002@acme.test'));
    for (const request of [badFrom, telFrom, scheme]) {
      const theirs = await authorize(request);
      expect(theirs.decision === 'reply' && [400, 416]).toContain(theirs.decision === 'reply' ? theirs.reply.status : 0);
      expect(inviteChallengeKey(request, UDP_SOURCE)).toBeUndefined();
      expect(challenges.answer(request, UDP_SOURCE)).toBeUndefined();
    }
  });

  it('never learns a carrier: authorize-call admits an IP trunk by its source, so the same INVITE from there reaches it again', async () => {
    const request = invite({ from: '+15557654321', domain: 'carrier.test', to: '5551000', requestHost: 'acme.test' });
    const result = await authorize(request, CARRIER);
    // The trunk took it, whatever the From says: its DID names 1002, no user of this directory (404), never a challenge.
    expect(result.decision === 'reply' ? result.reply.status : 'route').toBe(404);
    const challenges = edge();
    challenges.learn(request, CARRIER, result);
    expect(challenges.size).toBe(0);
    expect(challenges.answer(request, CARRIER)).toBeUndefined();
  });

  it('learns only from a first 407: not from a stale one, a 403, or a reply with no realm', () => {
    const challenges = edge();
    const reply = (status: number, outcome: 'stale' | 'failed' | 'challenge', digest?: boolean): AuthorizeCallResult => ({
      decision: 'reply',
      reply: { status, reason: 'x', headers: [] },
      auth: { outcome },
      ...(digest ? { digest: { realm: 'acme-realm', algorithms: ['MD5'] } } : {}),
    });
    challenges.learn(invite(), UDP_SOURCE, reply(407, 'stale', true));
    challenges.learn(invite(), UDP_SOURCE, reply(403, 'failed', true));
    challenges.learn(invite(), UDP_SOURCE, reply(407, 'challenge', false));
    expect(challenges.size).toBe(0);
  });

  it(`forgets what it learnt ${TTL_MS / 1000} s (PBX_DIRECTORY_CACHE_SECONDS) later: a trunk added for that source is honoured by then`, async () => {
    const clock = { now: NOW };
    const challenges = await taught(invite(), UDP_SOURCE, clock);
    clock.now = NOW + TTL_MS - 1;
    expect(challenges.answer(invite(), UDP_SOURCE)).toBeDefined();
    clock.now = NOW + TTL_MS;
    expect(challenges.answer(invite(), UDP_SOURCE)).toBeUndefined();
  });

  it('drops everything on a trunk change, a tenant change’s domains, all for a change it cannot read; a user change keeps them', async () => {
    const challenges = await taught(invite());
    challenges.learn(invite({ domain: 'nowhere.example' }), UDP_SOURCE, await authorize(invite({ domain: 'nowhere.example' })));
    challenges.changed(directoryChangedEvent({ tenantId: 'acme', kind: 'user', id: '1001', op: 'updated' }).detail);
    challenges.changed(directoryChangedEvent({ tenantId: 'other', kind: 'tenant', id: 'other', op: 'updated', domains: ['other.test'] }).detail);
    expect(challenges.size).toBe(2);
    challenges.changed(directoryChangedEvent({ tenantId: 'acme', kind: 'tenant', id: 'acme', op: 'updated', domains: ['ACME.test'] }).detail);
    expect(challenges.answer(invite(), UDP_SOURCE)).toBeUndefined();
    expect(challenges.answer(invite({ domain: 'nowhere.example' }), UDP_SOURCE)).toBeDefined();
    challenges.changed(directoryChangedEvent({ tenantId: 'acme', kind: 'trunk', id: 'carrier2', op: 'created' }).detail);
    expect(challenges.size).toBe(0);
    challenges.learn(invite(), UDP_SOURCE, await authorize(invite()));
    challenges.changed({ garbled: true });
    expect(challenges.size).toBe(0);
  });
});
