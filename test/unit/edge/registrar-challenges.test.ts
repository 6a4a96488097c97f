import { describe, expect, it } from 'vitest';
import { directoryChangedEvent } from '../../../contracts/bus/directory-events.js';
import type { RegisterResult } from '../../../contracts/function-events.js';
import type { Source } from '../../../contracts/transport.js';
import { DOMAIN_REALM_TTL_MS, RegistrarChallenges } from '../../../edge/src/core/registrar-challenges.js';
import type { DirectoryReader } from '../../../functions/src/directory/directory-repository.js';
import type { Tenant } from '../../../functions/src/directory/tenant.js';
import type { BindingStore } from '../../../functions/src/registration/binding-repository.js';
import { register } from '../../../functions/src/registration/register.js';
import { checkNonce, createNonce, parseAuthHeader, type SipRequest } from '../../../sip/index.js';
import { EDGE, NOW, REGISTRAR_SETTINGS, registerText, sipRequest, UDP_SOURCE } from '../functions/fixtures.js';

const TENANT: Tenant = { id: 'acme', realm: 'acme-realm', domains: ['acme.test'] };
const WS_SOURCE: Source = { protocol: 'ws', address: '198.51.100.7', port: 51000, flowId: 'ws-1' };
const SECRET = REGISTRAR_SETTINGS.nonceSecret;
const ISSUER = `${EDGE.id}/${EDGE.bootId}`;

const directory: DirectoryReader = {
  findTenantByDomain: async (domain) => (TENANT.domains.includes(domain) ? TENANT : undefined),
  getUser: async () => undefined,
};

/** The registrar itself, with the directory above (a challenge reads no binding). */
function registrar(request: SipRequest, source: Source = UDP_SOURCE): Promise<RegisterResult> {
  return register({ type: 'register', edge: EDGE, source, request }, { directory, bindings: {} as BindingStore, settings: REGISTRAR_SETTINGS, now: () => NOW });
}

function registerFor(domain: string, authorization?: string, extra: { cseq?: number } = {}): SipRequest {
  return sipRequest(registerText({ user: '1001', domain, contacts: ['<sip:1001@198.51.100.7:5060>'], ...(authorization ? { authorization } : {}), ...extra }));
}

function credentials(realm: string, nonce: string): string {
  return `Digest username="1001", realm="${realm}", nonce="${nonce}", uri="sip:acme.test", response="00000000000000000000000000000000", algorithm=MD5, cnonce="c0ffee", qop=auth, nc=00000001`;
}

/** What the UA sees, the nonce aside (random per challenge). */
function shape(result: RegisterResult | undefined) {
  if (!result) return undefined;
  const { reply, auth } = result;
  return { status: reply.status, reason: reply.reason, headers: reply.headers.map((h) => ({ name: h.name, value: h.value.replace(/nonce="[^"]*"/, 'nonce="*"') })), outcome: auth?.outcome };
}

function edge(clock: { now: number }): RegistrarChallenges {
  return new RegistrarChallenges({ secret: SECRET, identity: EDGE, nonceTtlMs: REGISTRAR_SETTINGS.nonceTtlSeconds * 1000, now: () => clock.now });
}

/** An edge that has relayed one registrar answer for `domain` (that is how it learns the realm). */
async function taught(domain: string, clock = { now: NOW }): Promise<RegistrarChallenges> {
  const challenges = edge(clock);
  const request = registerFor(domain);
  challenges.learn(request, await registrar(request));
  return challenges;
}

describe('first REGISTER challenges issued by the edge', () => {
  const foreignNonce = createNonce(SECRET, 'acme-realm', NOW, { source: '203.0.113.50', issuer: ISSUER });
  it.each([
    ['no credentials, UDP (MD5 first: desk phones take the first header)', 'acme.test', undefined, UDP_SOURCE],
    ['no credentials, WebSocket (MD5 last: JsSIP keeps the last header)', 'acme.test', undefined, WS_SOURCE],
    ['credentials for another realm only', 'acme.test', credentials('elsewhere', 'abc.def'), UDP_SOURCE],
    ['a nonce issued to another address', 'acme.test', credentials('acme-realm', foreignNonce), UDP_SOURCE],
    ['a forged nonce', 'acme.test', credentials('acme-realm', 'AAAA.BBBB'), UDP_SOURCE],
    ['a domain no tenant serves (realm = the domain)', 'nowhere.example', undefined, UDP_SOURCE],
  ] as const)('%s: the same 401 as the registrar, with a nonce the registrar accepts', async (_, domain, authorization, source) => {
    const challenges = await taught(domain);
    const request = registerFor(domain, authorization);
    const mine = challenges.answer(request, source);
    const theirs = await registrar(request, source);
    expect(shape(mine)).toEqual(shape(theirs));
    expect(mine?.reply.status).toBe(401);
    for (const header of mine!.reply.headers) {
      const p = parseAuthHeader(header.value)!.params;
      expect(checkNonce(SECRET, p.realm!, p.nonce!, NOW, 300_000, { source: source.address, issuer: ISSUER }).status).toBe('valid');
    }
  });

  it('leaves a domain it has not heard of to the registrar', () => {
    expect(edge({ now: NOW }).answer(registerFor('acme.test'), UDP_SOURCE)).toBeUndefined();
  });

  it('leaves to the registrar answers to its own nonces, fresh or stale, and malformed REGISTERs', async () => {
    const challenges = await taught('acme.test');
    const fresh = createNonce(SECRET, 'acme-realm', NOW, { source: UDP_SOURCE.address, issuer: ISSUER });
    const otherEdge = createNonce(SECRET, 'acme-realm', NOW, { source: UDP_SOURCE.address, issuer: 'edge-b/boot-1' });
    const old = createNonce(SECRET, 'acme-realm', NOW - 400_000, { source: UDP_SOURCE.address, issuer: ISSUER });
    for (const nonce of [fresh, otherEdge, old]) expect(challenges.answer(registerFor('acme.test', credentials('acme-realm', nonce)), UDP_SOURCE)).toBeUndefined();
    const malformed = sipRequest(registerText({ user: '1001', domain: 'acme.test' }).replace('CSeq: 1 REGISTER', 'CSeq: one REGISTER'));
    expect((await registrar(malformed)).reply.status).toBe(400);
    expect(challenges.answer(malformed, UDP_SOURCE)).toBeUndefined();
  });

  it(`forgets a domain's realm ${DOMAIN_REALM_TTL_MS / 1000} s after learning it`, async () => {
    const clock = { now: NOW };
    const challenges = await taught('acme.test', clock);
    clock.now = NOW + DOMAIN_REALM_TTL_MS - 1;
    expect(challenges.answer(registerFor('acme.test'), UDP_SOURCE)).toBeDefined();
    clock.now = NOW + DOMAIN_REALM_TTL_MS;
    expect(challenges.answer(registerFor('acme.test'), UDP_SOURCE)).toBeUndefined();
  });

  it('drops the realms of the domains a tenant change names, and all of them for a change it cannot read', async () => {
    const challenges = await taught('acme.test');
    challenges.learn(registerFor('nowhere.example'), await registrar(registerFor('nowhere.example')));
    challenges.changed(directoryChangedEvent({ tenantId: 'acme', kind: 'user', id: '1001', op: 'updated' }).detail);
    challenges.changed(directoryChangedEvent({ tenantId: 'other', kind: 'tenant', id: 'other', op: 'updated', domains: ['other.test'] }).detail);
    expect(challenges.knownDomains).toBe(2);
    challenges.changed(directoryChangedEvent({ tenantId: 'acme', kind: 'tenant', id: 'acme', op: 'updated', domains: ['ACME.test', 'new.test'] }).detail);
    expect(challenges.answer(registerFor('acme.test'), UDP_SOURCE)).toBeUndefined();
    expect(challenges.answer(registerFor('nowhere.example'), UDP_SOURCE)).toBeDefined();
    challenges.changed({ garbled: true });
    expect(challenges.knownDomains).toBe(0);
  });

  it('learns nothing from an answer that names no realm (a REGISTER refused before the domain was looked up)', () => {
    const challenges = edge({ now: NOW });
    challenges.learn(registerFor('acme.test'), { reply: { status: 400, reason: 'Invalid CSeq header', headers: [] } });
    expect(challenges.knownDomains).toBe(0);
  });
});
