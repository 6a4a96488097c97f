import { describe, expect, it } from 'vitest';
import { createResponse, getHeader, getHeaders, parseMessage } from '../../../sip/index.js';
import type { SipRequest, SipResponse } from '../../../sip/message.js';
import { cancelFor, CALL_COMPLETED_ELSEWHERE } from '../../../edge/src/proxy/cancel-request.js';
import { forwardedCopy, hopsExhausted } from '../../../edge/src/proxy/forward-request.js';
import { HopTokens, type HopToken } from '../../../edge/src/proxy/hop-token.js';
import { nextHop } from '../../../edge/src/proxy/in-dialog-forwarder.js';
import { bestFinalResponse, withoutTopVia } from '../../../edge/src/proxy/response-relay.js';
import { popOwnRoutes } from '../../../edge/src/proxy/route-set.js';

const INVITE = [
  'INVITE sip:2002@acme.test SIP/2.0',
  'Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-caller;rport',
  'Max-Forwards: 70',
  'From: <sip:2001@acme.test>;tag=caller-tag',
  'To: <sip:2002@acme.test>',
  'Call-ID: call-1',
  'CSeq: 2 INVITE',
  'Content-Length: 0',
  '',
  '',
].join('\r\n');

function request(text = INVITE): SipRequest {
  const parsed = parseMessage(text);
  if (!parsed.ok || parsed.message.kind !== 'request') throw new Error('bad fixture');
  return parsed.message;
}

const SECRET = 'test-secret';
const HOPS = new HopTokens(SECRET, 3_600_000);
const rr: HopToken = { k: 'rr', e: 'edge-a', t: 'caller-tag', c: { p: 'udp', a: '127.0.0.1', o: 5070 }, d: { p: 'ws', a: '127.0.0.1', o: 40000, f: 'ws-1' } };

describe('hop tokens (sealed flow tokens in Record-Route)', () => {
  const hops = new HopTokens(SECRET, 3_600_000);

  it('round-trip when sealed with the shared secret, for the same Call-ID', () => {
    expect(hops.open(hops.seal(rr, 'call-1'), 'call-1')).toEqual(rr);
  });

  it.each([
    ['another secret', (t: string) => t, new HopTokens('other-secret', 3_600_000), 'call-1'],
    ['a tampered body', (t: string) => `A${t.slice(1)}` === t ? `B${t.slice(1)}` : `A${t.slice(1)}`, hops, 'call-1'],
    ['a truncated tag', (t: string) => t.slice(0, -2), hops, 'call-1'],
    ['another dialog (Call-ID)', (t: string) => t, hops, 'call-2'],
  ])('are refused with %s (nobody can forge or move a route to someone else\'s flow)', (_what, mangle, opener, callId) => {
    expect(opener.open(mangle(hops.seal(rr, 'call-1')), callId)).toBeUndefined();
  });

  it('do not reveal the addresses or flows they route to', () => {
    const text = Buffer.from(hops.seal(rr, 'call-1'), 'base64url').toString('latin1');
    for (const secret of ['127.0.0.1', 'ws-1', '40000', 'caller-tag', 'edge-a']) expect(text).not.toContain(secret);
  });

  it('expire: a Record-Route token with the longest dialog allowed, an edge-to-edge token after minutes', () => {
    let clock = 1_000_000;
    const timed = new HopTokens(SECRET, 3_600_000, () => clock);
    const rrToken = timed.seal(rr, 'call-1');
    const fwdToken = timed.seal({ k: 'fwd', e: 'edge-b', d: rr.d }, 'call-1');
    clock += 11 * 60_000;
    expect(timed.open(fwdToken, 'call-1')).toBeUndefined();
    expect(timed.open(rrToken, 'call-1')).toEqual(rr);
    clock += 3_600_000;
    expect(timed.open(rrToken, 'call-1')).toBeUndefined();
  });
});

describe('loose routing (RFC 3261 §16.4, §16.12)', () => {
  const withRoutes = (routes: string[]) => request(INVITE.replace('Max-Forwards: 70', [...routes.map((r) => `Route: ${r}`), 'Max-Forwards: 70'].join('\r\n')));

  it('pops this edge\'s own Route values (both of a double Record-Route) and keeps the next hop\'s', () => {
    const token = HOPS.seal(rr, 'call-1');
    const req = withRoutes([`<sip:127.0.0.1:5060;lr;nt=${token}>`, `<sip:127.0.0.1:8080;transport=ws;lr;nt=${token}>`, '<sip:other.example;lr>']);
    expect(popOwnRoutes(req, 'edge-a', HOPS)).toHaveLength(2);
    expect(getHeaders(req, 'Route')).toEqual(['<sip:other.example;lr>']);
  });

  it('leaves Route values of another edge alone', () => {
    const req = withRoutes([`<sip:127.0.0.2:5060;lr;nt=${HOPS.seal({ ...rr, e: 'edge-b' }, 'call-1')}>`]);
    expect(popOwnRoutes(req, 'edge-a', HOPS)).toEqual([]);
    expect(getHeaders(req, 'Route')).toHaveLength(1);
  });

  it('sends a request from the caller (its From tag) to the callee side, and one from the callee back to the caller', () => {
    expect(nextHop(request(), [rr])).toEqual({ dest: { protocol: 'ws', address: '127.0.0.1', port: 40000, flowId: 'ws-1' }, cseqOffset: 0 });
    const fromCallee = request(
      INVITE.replace('From: <sip:2001@acme.test>;tag=caller-tag', 'From: <sip:2002@acme.test>;tag=callee-tag').replace('To: <sip:2002@acme.test>', 'To: <sip:2001@acme.test>;tag=caller-tag'),
    );
    expect(nextHop(fromCallee, [rr])).toEqual({ dest: { protocol: 'udp', address: '127.0.0.1', port: 5070 }, cseqOffset: 0 });
  });

  it('routes no request of another dialog with the same Call-ID (neither tag is the caller\'s tag of the token)', () => {
    const stranger = request(INVITE.replace('From: <sip:2001@acme.test>;tag=caller-tag', 'From: <sip:2001@acme.test>;tag=other-tag'));
    expect(nextHop(stranger, [rr])).toBeUndefined();
  });

  it('renumbers only the caller\'s requests when the trunk leg answered a carrier challenge (CSeq offset in the token)', () => {
    const challenged = { ...rr, s: 1 };
    expect(nextHop(request(), [challenged])?.cseqOffset).toBe(1);
    const fromCallee = request(
      INVITE.replace('From: <sip:2001@acme.test>;tag=caller-tag', 'From: <sip:2002@acme.test>;tag=callee-tag').replace('To: <sip:2002@acme.test>', 'To: <sip:2001@acme.test>;tag=caller-tag'),
    );
    expect(nextHop(fromCallee, [challenged])?.cseqOffset).toBe(0);
  });
});

describe('forwarding a request (RFC 3261 §16.6)', () => {
  it('retargets, decrements Max-Forwards and puts a fresh Via with a magic-cookie branch on top', () => {
    const { request: copy, branch } = forwardedCopy(request(), { requestUri: 'sip:2002@10.0.0.9:5062', viaSentBy: 'SIP/2.0/TCP 127.0.0.1:5060' });
    expect(copy.uri).toBe('sip:2002@10.0.0.9:5062');
    expect(getHeader(copy, 'Max-Forwards')).toBe('69');
    expect(getHeaders(copy, 'Via')[0]).toBe(`SIP/2.0/TCP 127.0.0.1:5060;branch=${branch};rport`);
    expect(getHeaders(copy, 'Via')).toHaveLength(2);
    expect(branch.startsWith('z9hG4bK')).toBe(true);
  });

  it('leaves the request it copies as it was: each branch gets its own copy (§16.6 step 1)', () => {
    const original = request();
    const before = JSON.stringify(original);
    const { request: first } = forwardedCopy(original, { requestUri: 'sip:2002@10.0.0.9:5062', viaSentBy: 'SIP/2.0/UDP 127.0.0.1:5060' });
    const { request: second } = forwardedCopy(original, { viaSentBy: 'SIP/2.0/UDP 127.0.0.1:5060' });
    first.headers[0].value = 'changed';
    first.headers.push({ name: 'X-Branch', value: '1' });
    expect(JSON.stringify(original)).toBe(before);
    expect(getHeaders(second, 'Via')).toHaveLength(2);
    expect(getHeader(second, 'X-Branch')).toBeUndefined();
  });

  it('refuses requests whose Max-Forwards ran out (§16.3 step 3)', () => {
    expect(hopsExhausted(request(INVITE.replace('Max-Forwards: 70', 'Max-Forwards: 0')))).toBe(true);
    expect(hopsExhausted(request())).toBe(false);
  });

  it('builds the CANCEL of a branch from its INVITE (§9.1) with the RFC 3326 reason', () => {
    const { request: branchInvite } = forwardedCopy(request(), { viaSentBy: 'SIP/2.0/UDP 127.0.0.1:5060' });
    const cancel = cancelFor(branchInvite, CALL_COMPLETED_ELSEWHERE);
    expect(cancel.method).toBe('CANCEL');
    expect(getHeaders(cancel, 'Via')).toEqual([getHeaders(branchInvite, 'Via')[0]]);
    expect(getHeader(cancel, 'CSeq')).toBe('2 CANCEL');
    expect(getHeader(cancel, 'Reason')).toBe('SIP;cause=200;text="Call completed elsewhere"');
  });
});

describe('choosing the final response (RFC 3261 §16.7 step 6)', () => {
  const res = (status: number): SipResponse => createResponse(request(), status, `S${status}`);

  it.each([
    [[480, 486, 503], 486],
    [[480, 503], 480],
    [[503, 486], 486],
    [[404, 603, 486], 603],
    [[408, 480], 480],
    [[408], 408],
    [[500, 503], 500],
  ])('from %j picks %i', (statuses, expected) => {
    expect(bestFinalResponse(statuses.map(res))?.status).toBe(expected);
  });

  it('strips the edge\'s own Via before relaying upstream (§16.7 step 3)', () => {
    const { request: copy } = forwardedCopy(request(), { viaSentBy: 'SIP/2.0/UDP 127.0.0.1:5060' });
    const upstream = withoutTopVia(createResponse(copy, 180, 'Ringing'));
    expect(getHeaders(upstream, 'Via')).toEqual(getHeaders(request(), 'Via'));
  });

  it('relays a copy: the branch response it came from keeps its Via (retransmissions match the client transaction, §17.1.3)', () => {
    const { request: copy } = forwardedCopy(request(), { viaSentBy: 'SIP/2.0/UDP 127.0.0.1:5060' });
    const ringing = createResponse(copy, 180, 'Ringing');
    const before = JSON.stringify(ringing);
    const upstream = withoutTopVia(ringing);
    upstream.headers[0].value = 'changed';
    expect(JSON.stringify(ringing)).toBe(before);
    expect(getHeaders(ringing, 'Via')).toHaveLength(2);
  });
});
