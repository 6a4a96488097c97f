import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getHeader, getHeaders } from '../../../sip/index.js';
import { TransactionLayer } from '../../../edge/src/transaction/index.js';
import { createHandlers, createHarness, makeRequest, respond, TCP_DEST, UDP_DEST } from './harness.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

const invite = () => makeRequest({ method: 'INVITE', branch: 'z9hG4bK-client' });

describe('INVITE client transaction (RFC 3261 §17.1.1, RFC 6026)', () => {
  it('retransmits over UDP at 0.5, 1.5, 3.5, 7.5, 15.5 and 31.5 s, then reports Timer B at 32 s', () => {
    const { layer, sentRequests } = createHarness();
    const handlers = createHandlers();
    const tx = layer.sendRequest(invite(), UDP_DEST, handlers);
    expect(sentRequests).toHaveLength(1);
    expect(tx.state).toBe('calling');

    const start = Date.now();
    const expectSendsAt = (ms: number, count: number) => {
      vi.advanceTimersByTime(start + ms - Date.now());
      expect(sentRequests, `at ${ms} ms`).toHaveLength(count);
    };
    expectSendsAt(499, 1);
    expectSendsAt(500, 2);
    expectSendsAt(1_499, 2);
    expectSendsAt(1_500, 3);
    expectSendsAt(3_500, 4);
    expectSendsAt(7_500, 5);
    expectSendsAt(15_500, 6);
    expectSendsAt(31_500, 7);
    expectSendsAt(31_999, 7);
    expect(handlers.onTimeout).not.toHaveBeenCalled();

    expectSendsAt(32_000, 7);
    expect(handlers.onTimeout).toHaveBeenCalledTimes(1);
    expect(tx.state).toBe('terminated');
    expect(layer.clientTransactionCount).toBe(0);

    vi.advanceTimersByTime(120_000);
    expect(sentRequests).toHaveLength(7);
    expect(sentRequests.every((s) => s.req === sentRequests[0].req && s.dest === UDP_DEST)).toBe(true);
  });

  it('never retransmits over TCP but still times out with Timer B', () => {
    const { layer, sentRequests } = createHarness();
    const handlers = createHandlers();
    layer.sendRequest(invite(), TCP_DEST, handlers);
    vi.advanceTimersByTime(31_999);
    expect(sentRequests).toHaveLength(1);
    expect(handlers.onTimeout).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(handlers.onTimeout).toHaveBeenCalledTimes(1);
    expect(sentRequests).toHaveLength(1);
  });

  it('stops retransmitting and disarms Timer B on a provisional response', () => {
    const { layer, sentRequests } = createHarness();
    const handlers = createHandlers();
    const req = invite();
    const tx = layer.sendRequest(req, UDP_DEST, handlers);
    vi.advanceTimersByTime(600); // one retransmission
    const ringing = respond(req, 180);
    expect(layer.receiveResponse(ringing, UDP_DEST)).toBe(true);
    expect(tx.state).toBe('proceeding');
    expect(handlers.onResponse).toHaveBeenCalledWith(ringing);

    vi.advanceTimersByTime(300_000);
    expect(sentRequests).toHaveLength(2);
    expect(handlers.onTimeout).not.toHaveBeenCalled();
    expect(tx.state).toBe('proceeding');
  });

  it('passes every provisional in Proceeding to the TU', () => {
    const { layer } = createHarness();
    const handlers = createHandlers();
    const req = invite();
    layer.sendRequest(req, UDP_DEST, handlers);
    layer.receiveResponse(respond(req, 100), UDP_DEST);
    layer.receiveResponse(respond(req, 180), UDP_DEST);
    layer.receiveResponse(respond(req, 183), UDP_DEST);
    expect(handlers.onResponse.mock.calls.map(([r]) => r.status)).toEqual([100, 180, 183]);
  });

  it('builds and sends the ACK for a 486 itself (§17.1.1.3)', () => {
    const { layer, sentRequests } = createHarness();
    const handlers = createHandlers();
    const req = makeRequest({
      method: 'INVITE',
      uri: 'sip:bob@198.51.100.20;transport=udp',
      branch: 'z9hG4bK-client',
      lowerVias: ['SIP/2.0/UDP 192.0.2.99;branch=z9hG4bK-upstream'],
      routes: ['<sip:p1.example.com;lr>', '<sip:p2.example.com;lr>'],
      cseq: 314,
    });
    const tx = layer.sendRequest(req, UDP_DEST, handlers);
    const busy = respond(req, 486, 'callee-tag');
    layer.receiveResponse(busy, UDP_DEST);

    expect(tx.state).toBe('completed');
    expect(handlers.onResponse).toHaveBeenCalledTimes(1);
    expect(handlers.onResponse).toHaveBeenCalledWith(busy);
    expect(sentRequests).toHaveLength(2);
    const { req: ack, dest } = sentRequests[1];
    expect(dest).toBe(UDP_DEST);
    expect(ack.method).toBe('ACK');
    expect(ack.uri).toBe(req.uri);
    expect(getHeaders(ack, 'Via')).toEqual(['SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-client']);
    expect(getHeaders(ack, 'Route')).toEqual(['<sip:p1.example.com;lr>', '<sip:p2.example.com;lr>']);
    expect(getHeader(ack, 'Max-Forwards')).toBe('70');
    expect(getHeader(ack, 'From')).toBe(getHeader(req, 'From'));
    expect(getHeader(ack, 'To')).toBe('<sip:bob@example.com>;tag=callee-tag');
    expect(getHeader(ack, 'Call-ID')).toBe(getHeader(req, 'Call-ID'));
    expect(getHeader(ack, 'CSeq')).toBe('314 ACK');
    expect(getHeader(ack, 'Contact')).toBeUndefined();
    expect(ack.body).toBe('');
  });

  it('answers retransmitted finals in Completed with the same ACK, without bothering the TU, until Timer D', () => {
    const { layer, sentRequests } = createHarness();
    const handlers = createHandlers();
    const req = invite();
    const tx = layer.sendRequest(req, UDP_DEST, handlers);
    const busy = respond(req, 486);
    layer.receiveResponse(busy, UDP_DEST);
    vi.advanceTimersByTime(1_000);
    expect(layer.receiveResponse(busy, UDP_DEST)).toBe(true);
    expect(layer.receiveResponse(busy, UDP_DEST)).toBe(true);

    expect(handlers.onResponse).toHaveBeenCalledTimes(1);
    const acks = sentRequests.filter((s) => s.req.method === 'ACK');
    expect(acks).toHaveLength(3);
    expect(acks[2].req).toBe(acks[0].req);
    // No INVITE retransmission after the final response.
    expect(sentRequests.filter((s) => s.req.method === 'INVITE')).toHaveLength(1);

    vi.advanceTimersByTime(31_000 - 1);
    expect(tx.state).toBe('completed');
    vi.advanceTimersByTime(1); // Timer D: 32 s after the 486
    expect(tx.state).toBe('terminated');
    expect(layer.clientTransactionCount).toBe(0);
    expect(layer.receiveResponse(busy, UDP_DEST)).toBe(false);
  });

  it('terminates right after the ACK on TCP (Timer D = 0)', () => {
    const { layer, sentRequests } = createHarness();
    const req = invite();
    const tx = layer.sendRequest(req, TCP_DEST, createHandlers());
    layer.receiveResponse(respond(req, 603), TCP_DEST);
    expect(sentRequests.map((s) => s.req.method)).toEqual(['INVITE', 'ACK']);
    expect(tx.state).toBe('terminated');
    expect(layer.clientTransactionCount).toBe(0);
  });

  it('enters Accepted on a 2xx, passes 2xx retransmissions and forked 2xx to the TU, and ends with Timer M', () => {
    const { layer, sentRequests } = createHarness();
    const handlers = createHandlers();
    const req = invite();
    const tx = layer.sendRequest(req, UDP_DEST, handlers);
    layer.receiveResponse(respond(req, 180), UDP_DEST);
    const ok = respond(req, 200, 'fork-a');
    layer.receiveResponse(ok, UDP_DEST);
    expect(tx.state).toBe('accepted');

    vi.advanceTimersByTime(1_000);
    layer.receiveResponse(ok, UDP_DEST);
    layer.receiveResponse(respond(req, 200, 'fork-b'), UDP_DEST);
    // A late non-2xx in Accepted is dropped (RFC 6026 §8.4).
    layer.receiveResponse(respond(req, 486, 'fork-c'), UDP_DEST);
    expect(handlers.onResponse.mock.calls.map(([r]) => `${r.status} ${getHeader(r, 'To')}`)).toEqual([
      '180 <sip:bob@example.com>;tag=to-1',
      '200 <sip:bob@example.com>;tag=fork-a',
      '200 <sip:bob@example.com>;tag=fork-a',
      '200 <sip:bob@example.com>;tag=fork-b',
    ]);
    // The transaction never ACKs a 2xx: that is the TU's job (§13.2.2.4).
    expect(sentRequests.map((s) => s.req.method)).toEqual(['INVITE']);

    vi.advanceTimersByTime(31_000 - 1);
    expect(tx.state).toBe('accepted');
    vi.advanceTimersByTime(1); // Timer M = 64*T1 after the first 2xx
    expect(tx.state).toBe('terminated');
    expect(layer.receiveResponse(ok, UDP_DEST)).toBe(false);
  });

  it('reports a rejected send as a transport error and terminates', async () => {
    const failure = new Error('ECONNREFUSED');
    const handlers = createHandlers();
    const layer = new TransactionLayer({ sendRequest: () => Promise.reject(failure), sendResponse: () => {} });
    const tx = layer.sendRequest(invite(), TCP_DEST, handlers);
    await vi.waitFor(() => expect(handlers.onTransportError).toHaveBeenCalledWith(failure));
    expect(tx.state).toBe('terminated');
    expect(layer.clientTransactionCount).toBe(0);
    vi.advanceTimersByTime(64_000);
    expect(handlers.onTimeout).not.toHaveBeenCalled();
  });

  it('reports a synchronously throwing send as a transport error', () => {
    const handlers = createHandlers();
    const layer = new TransactionLayer({
      sendRequest: () => {
        throw new Error('no route');
      },
      sendResponse: () => {},
    });
    const tx = layer.sendRequest(invite(), UDP_DEST, handlers);
    expect(handlers.onTransportError).toHaveBeenCalledTimes(1);
    expect(tx.state).toBe('terminated');
    expect(layer.clientTransactionCount).toBe(0);
  });

  describe('cancelTimers()', () => {
    it('stops retransmissions and Timer B but still ACKs a late 487', () => {
      const { layer, sentRequests } = createHarness();
      const handlers = createHandlers();
      const req = invite();
      const tx = layer.sendRequest(req, UDP_DEST, handlers);
      vi.advanceTimersByTime(600);
      tx.cancelTimers();
      vi.advanceTimersByTime(20_000);
      expect(sentRequests).toHaveLength(2);
      expect(handlers.onTimeout).not.toHaveBeenCalled();

      layer.receiveResponse(respond(req, 487), UDP_DEST);
      expect(sentRequests.map((s) => s.req.method)).toEqual(['INVITE', 'INVITE', 'ACK']);
      expect(handlers.onResponse).toHaveBeenCalledTimes(1);
      expect(tx.state).toBe('completed');
    });

    it('destroys the transaction silently 64*T1 later when no final response arrives (§9.1)', () => {
      const { layer } = createHarness();
      const handlers = createHandlers();
      const req = invite();
      const tx = layer.sendRequest(req, UDP_DEST, handlers);
      layer.receiveResponse(respond(req, 180), UDP_DEST);
      tx.cancelTimers();
      layer.receiveResponse(respond(req, 183), UDP_DEST);
      vi.advanceTimersByTime(32_000);
      expect(tx.state).toBe('terminated');
      expect(handlers.onTimeout).not.toHaveBeenCalled();
      expect(layer.clientTransactionCount).toBe(0);
    });
  });
});
