/**
 * Attacks on digest authentication (RFC 7616 §5): a captured REGISTER or
 * INVITE sent again, by the attacker from its own address (to make the
 * victim's calls ring at the attacker) or from the victim's address; a nonce
 * fetched from one address used from another; an answer without qop, which
 * has no nonce count to check. None of them may get a 200 or a call.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeDigestResponse, computeHa1, formatCredentials, getHeader, parseAuthHeader } from '../../../sip/index.js';
import { digestFor, RawUa } from '../../support/raw-ua.js';
import { readBindings } from '../../support/store-inspect.js';
import { startTestStack, TEST_SEED, type TestStack } from '../../support/test-stack.js';

const ALICE = { ext: '1001', password: 's3cret-1001', domain: 'acme.test' };
const CAROL = { ext: '1003', password: 's3cret-1003', domain: 'acme.test' };

describe('no replay of a captured request', () => {
  let stack: TestStack;
  let pbx: { host: string; port: number };
  const uas: RawUa[] = [];
  const ua = async (host: string, user = ALICE) => {
    const u = await RawUa.open(host, pbx, user);
    uas.push(u);
    return u;
  };

  beforeAll(async () => {
    stack = await startTestStack({ seed: TEST_SEED, env: { PBX_PIKE_REQUESTS: '0' } });
    pbx = { host: '127.0.0.1', port: stack.sipPort };
  });
  afterAll(async () => {
    await Promise.all(uas.map((u) => u.close()));
    await stack?.dispose();
  });

  it('a captured REGISTER replayed from the attacker’s address or the victim’s gets a fresh challenge, and the binding stays the victim’s', async () => {
    const victim = await ua('127.0.0.54');
    const registered = await victim.register({ callId: 'victim-reg-1' });
    expect(registered.final?.status).toBe(200);
    const captured = registered.sent[1]!; // the REGISTER with Authorization, as a passive listener saw it

    const attacker = await ua('127.0.0.53');
    attacker.sendRaw(captured.replace(/Via: SIP\/2\.0\/UDP [^;]+/, `Via: SIP/2.0/UDP 127.0.0.53:${attacker.port}`).replace(/CSeq: \d+/, 'CSeq: 40'));
    // From the victim's own address too (another socket on that host: a spoofed source that can receive).
    const sameHost = await ua('127.0.0.54');
    sameHost.sendRaw(captured.replace(/Via: SIP\/2\.0\/UDP [^;]+/, `Via: SIP/2.0/UDP 127.0.0.54:${sameHost.port}`).replace(/CSeq: \d+/, 'CSeq: 41'));

    const [fromAttacker, fromSameHost] = await Promise.all([waitResponse(attacker, 'victim-reg-1'), waitResponse(sameHost, 'victim-reg-1')]);
    expect(fromAttacker?.status).toBe(401);
    expect(getHeader(fromAttacker!, 'WWW-Authenticate')).not.toMatch(/stale=true/);
    expect(fromSameHost?.status).toBe(401);
    const bindings = await readBindings(stack, 'acme', '1001');
    expect(bindings.map((b) => `${b.address}:${b.port}`)).toEqual([`127.0.0.54:${victim.port}`]);
  });

  it('a captured INVITE replayed gets a fresh 407 and rings nobody', async () => {
    const callee = await ua('127.0.0.56', CAROL);
    expect((await callee.register()).final?.status).toBe(200);
    const caller = await ua('127.0.0.55');
    const call = await caller.request({ method: 'INVITE', uri: 'sip:1003@acme.test', callId: 'captured-invite-1' });
    expect(call.final?.status).toBe(200);
    const invitesBefore = callee.received.filter((r) => r.method === 'INVITE').length;
    const captured = call.sent[1]!;
    // Replayed as a new call (new Call-ID, new branch) and as the very same one.
    caller.sendRaw(captured.replace(/Call-ID: \S+/, 'Call-ID: replayed-invite-1').replace(/branch=[^;\s]+/, 'branch=z9hG4bK-replay1'));
    const replayed = await waitResponse(caller, 'replayed-invite-1');
    expect(replayed?.status).toBe(407);
    await new Promise((r) => setTimeout(r, 300));
    expect(callee.received.filter((r) => r.method === 'INVITE').length).toBe(invitesBefore);
  });

  it('a nonce fetched from one address cannot be used from another: a fresh challenge, not a 200', async () => {
    const fetcher = await ua('127.0.0.57');
    const first = await fetcher.register({ authenticate: false, callId: 'nonce-from-57' });
    expect(first.final?.status).toBe(401);
    const creds = digestFor(first.final!, ALICE, { method: 'REGISTER', uri: 'sip:acme.test' });
    const other = await ua('127.0.0.58');
    const exchange = await other.register({ authenticate: false, callId: 'nonce-from-57', headers: [[creds.header, creds.value]] });
    expect(exchange.final?.status).toBe(401);
    expect(parseAuthHeader(getHeader(exchange.final!, 'WWW-Authenticate')!)!.params.nonce).not.toBe(creds.nonce);
    expect((await readBindings(stack, 'acme', '1001')).some((b) => b.address === '127.0.0.58')).toBe(false);
  });

  it('an answer without qop (RFC 2069 style) to a qop=auth challenge is refused', async () => {
    const phone = await ua('127.0.0.59');
    const first = await phone.register({ authenticate: false, callId: 'no-qop' });
    const offer = parseAuthHeader(getHeader(first.final!, 'WWW-Authenticate')!)!.params;
    expect(offer.qop).toBe('auth');
    const ha1 = computeHa1('MD5', ALICE.ext, offer.realm!, ALICE.password);
    const response = computeDigestResponse({ algorithm: 'MD5', ha1, method: 'REGISTER', digestUri: 'sip:acme.test', nonce: offer.nonce! });
    const authorization = formatCredentials({ username: ALICE.ext, realm: offer.realm!, nonce: offer.nonce!, uri: 'sip:acme.test', response, algorithm: 'MD5' });
    const exchange = await phone.register({ authenticate: false, callId: 'no-qop', headers: [['Authorization', authorization]] });
    expect(exchange.final?.status).toBe(403);
    expect((await readBindings(stack, 'acme', '1001')).some((b) => b.address === '127.0.0.59')).toBe(false);
  });
});

/** The final response the UA gets for a request it sent raw (by Call-ID). */
async function waitResponse(ua: RawUa, callId: string, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const text = ua.rawReceived.find((t) => t.startsWith('SIP/2.0') && t.includes(`Call-ID: ${callId}`) && !t.startsWith('SIP/2.0 100'));
    if (text) {
      const { parseMessage } = await import('../../../sip/index.js');
      const parsed = parseMessage(text);
      if (parsed.ok && parsed.message.kind === 'response') return parsed.message;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return undefined;
}
