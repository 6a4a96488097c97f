import { describe, expect, it } from 'vitest';
import { createResponse, getHeader, getHeaders, parseMessage, parseNameAddr, parseUri } from '../../../sip/index.js';
import type { SipRequest } from '../../../sip/message.js';
import type { TrunkLeg } from '../../../contracts/function-events.js';
import { HopTokens } from '../../../edge/src/proxy/hop-token.js';
import { nextHop } from '../../../edge/src/proxy/in-dialog-forwarder.js';
import { LocalAddresses } from '../../../edge/src/proxy/local-addresses.js';
import type { ProxyContext } from '../../../edge/src/proxy/proxy-context.js';
import { popOwnRoutes } from '../../../edge/src/proxy/route-set.js';
import { isFailover, TRUNK_AUTH_FAILED, TRUNKS_EXHAUSTED } from '../../../edge/src/proxy/trunk-failover.js';
import { toCallerView, trunkLegRequest } from '../../../edge/src/proxy/trunk-leg-request.js';

const SECRET = 'leg-secret';
const addresses = new LocalAddresses('127.0.0.1');
addresses.setPort('udp', 5060);
const HOPS = new HopTokens(SECRET, 3_600_000);
const ctx = { identity: { id: 'edge-a', bootId: 'b1' }, secret: SECRET, hops: HOPS, addresses } as unknown as ProxyContext;

const INVITE = [
  'INVITE sip:95550123@acme.test SIP/2.0',
  'Via: SIP/2.0/UDP 10.0.0.5:5070;branch=z9hG4bK-caller;rport',
  'Max-Forwards: 70',
  'From: "Alice" <sip:1001@acme.test>;tag=caller-tag',
  'To: <sip:95550123@acme.test>',
  'Call-ID: call-1',
  'CSeq: 2 INVITE',
  'Proxy-Authorization: Digest username="1001", realm="acme.test", nonce="n", uri="sip:95550123@acme.test", response="r"',
  'P-Asserted-Identity: <sip:boss@acme.test>',
  'Content-Length: 0',
  '',
  '',
].join('\r\n');

function request(text = INVITE): SipRequest {
  const parsed = parseMessage(text);
  if (!parsed.ok || parsed.message.kind !== 'request') throw new Error('bad fixture');
  return parsed.message;
}

const LEG: TrunkLeg = {
  tenantId: 'acme',
  trunkId: 'carrier1',
  requestUri: 'sip:5550123@203.0.113.10',
  destination: { protocol: 'udp', host: '203.0.113.10', port: 5060 },
  from: '<sip:acct77@203.0.113.10>',
  to: '<sip:5550123@203.0.113.10>',
  assertedIdentity: '"Alice" <sip:1001@203.0.113.10>',
  credentials: { username: 'acct77', password: 'pw77', realm: 'carrier.test' },
  admitted: true,
};
const CALLER = { protocol: 'udp' as const, address: '10.0.0.5', port: 5070 };
const CARRIER = { protocol: 'udp' as const, address: '203.0.113.10', port: 5060 };

describe('the INVITE of a trunk leg', () => {
  it('presents the leg\'s From/To/Request-URI, keeps the caller\'s tag, and never forwards our realm\'s credentials or the phone\'s own identity', () => {
    const out = trunkLegRequest(ctx, request(), CALLER, 'caller-tag', { leg: LEG, destination: CARRIER, cseqOffset: 0 });
    expect(out.uri).toBe('sip:5550123@203.0.113.10');
    expect(parseNameAddr(getHeader(out, 'From')!)).toMatchObject({ uri: 'sip:acct77@203.0.113.10', params: { tag: 'caller-tag' } });
    expect(getHeader(out, 'To')).toBe('<sip:5550123@203.0.113.10>');
    expect(getHeader(out, 'Proxy-Authorization')).toBeUndefined();
    expect(getHeaders(out, 'P-Asserted-Identity')).toEqual(['"Alice" <sip:1001@203.0.113.10>']);
    expect(getHeader(out, 'CSeq')).toBe('2 INVITE');
  });

  it('after a carrier challenge: credentials, CSeq + 1, and the offset in our signed Record-Route so later requests are renumbered', () => {
    const out = trunkLegRequest(ctx, request(), CALLER, 'caller-tag', {
      leg: LEG,
      destination: CARRIER,
      cseqOffset: 1,
      credentials: { header: 'Proxy-Authorization', value: 'Digest username="acct77"' },
    });
    expect(getHeader(out, 'CSeq')).toBe('3 INVITE');
    expect(getHeader(out, 'Proxy-Authorization')).toBe('Digest username="acct77"');
    const rr = parseUri(parseNameAddr(getHeaders(out, 'Record-Route')[0]!)!.uri)!;
    expect(HOPS.open(rr.params.nt!, getHeader(out, 'Call-ID')!)).toMatchObject({ k: 'rr', s: 1, t: 'caller-tag' });

    // The caller's BYE (its own CSeq 3) carries our Record-Route as Route: it leaves renumbered to 4.
    const bye = request(
      INVITE.replace('INVITE sip:95550123@acme.test', 'BYE sip:5550123@203.0.113.10')
        .replace('CSeq: 2 INVITE', 'CSeq: 3 BYE')
        .replace('To: <sip:95550123@acme.test>', 'To: <sip:95550123@acme.test>;tag=carrier-tag')
        .replace('Max-Forwards: 70', `Route: ${getHeaders(out, 'Record-Route')[0]}\r\nMax-Forwards: 70`),
    );
    const hop = nextHop(bye, popOwnRoutes(bye, 'edge-a', HOPS));
    expect(hop).toMatchObject({ dest: { address: '203.0.113.10', port: 5060 }, cseqOffset: 1 });
  });

  it('responses go back in the caller\'s terms: its From, To URI (carrier tag kept) and CSeq', () => {
    const original = request();
    const sent = trunkLegRequest(ctx, original, CALLER, 'caller-tag', { leg: LEG, destination: CARRIER, cseqOffset: 1 });
    const ok = createResponse(sent, 200, 'OK', { toTag: 'carrier-tag' });
    const back = toCallerView(ok, original);
    expect(getHeader(back, 'CSeq')).toBe('2 INVITE');
    expect(getHeader(back, 'From')).toBe('"Alice" <sip:1001@acme.test>;tag=caller-tag');
    expect(parseNameAddr(getHeader(back, 'To')!)).toMatchObject({ uri: 'sip:95550123@acme.test', params: { tag: 'carrier-tag' } });
    expect(getHeaders(back, 'Via')).toEqual(getHeaders(original, 'Via'));
  });
});

describe('failover to the next trunk', () => {
  const final = (status: number) => createResponse(request(), status);
  it.each([500, 502, 503, 504, 408])('moves on after %i before any provisional', (status) => {
    expect(isFailover(final(status), false)).toBe(TRUNKS_EXHAUSTED);
  });
  it('moves on after a challenge the trunk account could not answer', () => {
    expect(isFailover(final(407), false)).toBe(TRUNK_AUTH_FAILED);
  });
  it.each([486, 404, 603, 480])('relays %i about the callee (another carrier would only repeat it)', (status) => {
    expect(isFailover(final(status), false)).toBeUndefined();
  });
  it('never fails over once the carrier rang (the caller heard it)', () => {
    expect(isFailover(final(503), true)).toBeUndefined();
  });
});
