import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getHeader, getHeaders } from '../../../sip/index.js';
import { InviteServerTransaction, TransactionLayer } from '../../../edge/src/transaction/index.js';
import { createHarness, makeAck, makeRequest, respond, statuses, TCP_SOURCE, UDP_SOURCE } from './harness.js';
import type { Source } from '../../../contracts/transport.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

function startInvite(source: Source = UDP_SOURCE) {
  const harness = createHarness();
  const req = makeRequest({ method: 'INVITE', branch: 'z9hG4bK-ist', lowerVias: ['SIP/2.0/UDP 192.0.2.99;branch=z9hG4bK-up'] });
  const result = harness.layer.receiveRequest(req, source);
  if (result.kind !== 'new' || !(result.transaction instanceof InviteServerTransaction)) throw new Error('expected a new INVITE transaction');
  return { ...harness, req, tx: result.transaction };
}

describe('INVITE server transaction (RFC 3261 §17.2.1, RFC 6026)', () => {
  it('sends 100 Trying itself when the TU stays silent for 200 ms', () => {
    const { tx, req, sentResponses } = startInvite();
    expect(tx.state).toBe('proceeding');
    vi.advanceTimersByTime(199);
    expect(sentResponses).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(statuses(sentResponses)).toEqual([100]);
    const trying = sentResponses[0];
    expect(trying.source).toBe(UDP_SOURCE);
    expect(getHeaders(trying.res, 'Via')).toEqual(getHeaders(req, 'Via'));
    expect(getHeader(trying.res, 'To')).toBe('<sip:bob@example.com>'); // no tag on a 100
    expect(getHeader(trying.res, 'CSeq')).toBe('1 INVITE');
  });

  it('does not send 100 Trying when the TU answers within 200 ms', () => {
    const { tx, req, sentResponses } = startInvite();
    vi.advanceTimersByTime(150);
    expect(tx.respond(respond(req, 180))).toBe(true);
    vi.advanceTimersByTime(1_000);
    expect(statuses(sentResponses)).toEqual([180]);
  });

  it('answers a retransmitted INVITE in Proceeding with the latest provisional', () => {
    const { layer, tx, req, sentResponses } = startInvite();
    vi.advanceTimersByTime(200); // auto 100
    expect(layer.receiveRequest(req, UDP_SOURCE)).toEqual({ kind: 'absorbed' });
    tx.respond(respond(req, 180));
    expect(layer.receiveRequest(req, UDP_SOURCE)).toEqual({ kind: 'absorbed' });
    expect(statuses(sentResponses)).toEqual([100, 100, 180, 180]);
    expect(layer.serverTransactionCount).toBe(1);
  });

  it('retransmits a 486 over UDP with Timer G (T1 doubling to T2) and gives up with Timer H at 64*T1', () => {
    const { tx, req, sentResponses, layer } = startInvite();
    const onTimeout = vi.fn();
    tx.on('timeout', onTimeout);
    tx.respond(respond(req, 486));
    expect(tx.state).toBe('completed');
    const start = Date.now();
    const countAt = (ms: number) => {
      vi.advanceTimersByTime(start + ms - Date.now());
      return sentResponses.length;
    };
    // Sends at 0, then 0.5, 1.5, 3.5, 7.5, 11.5, 15.5, 19.5, 23.5, 27.5, 31.5 s.
    expect([499, 500, 1_500, 3_500, 7_500, 11_500, 31_500, 31_999].map(countAt)).toEqual([1, 2, 3, 4, 5, 6, 11, 11]);
    expect(statuses(sentResponses).every((s) => s === 486)).toBe(true);
    expect(onTimeout).not.toHaveBeenCalled();
    countAt(32_000);
    expect(onTimeout).toHaveBeenCalledTimes(1);
    expect(tx.state).toBe('terminated');
    expect(layer.serverTransactionCount).toBe(0);
  });

  it('moves to Confirmed on the ACK, absorbs ACK retransmissions, and ends after Timer I (T4)', () => {
    const { layer, tx, req, sentResponses } = startInvite();
    const busy = respond(req, 486);
    tx.respond(busy);
    vi.advanceTimersByTime(600); // one Timer G retransmission
    const ack = makeAck(req, busy);
    expect(layer.receiveRequest(ack, UDP_SOURCE)).toEqual({ kind: 'absorbed' });
    expect(tx.state).toBe('confirmed');
    expect(layer.receiveRequest(ack, UDP_SOURCE)).toEqual({ kind: 'absorbed' });
    // A late INVITE retransmission is absorbed silently too.
    expect(layer.receiveRequest(req, UDP_SOURCE)).toEqual({ kind: 'absorbed' });

    vi.advanceTimersByTime(4_999);
    expect(statuses(sentResponses)).toEqual([486, 486]); // Timer G stopped by the ACK
    expect(tx.state).toBe('confirmed');
    vi.advanceTimersByTime(1);
    expect(tx.state).toBe('terminated');
    expect(layer.serverTransactionCount).toBe(0);
  });

  it('answers a retransmitted INVITE in Completed with the final response', () => {
    const { layer, tx, req, sentResponses } = startInvite();
    tx.respond(respond(req, 404));
    layer.receiveRequest(req, UDP_SOURCE);
    expect(statuses(sentResponses)).toEqual([404, 404]);
  });

  it('does not retransmit over TCP, and terminates at once on the ACK (Timer I = 0)', () => {
    const { layer, tx, req, sentResponses } = startInvite(TCP_SOURCE);
    const busy = respond(req, 486);
    tx.respond(busy);
    vi.advanceTimersByTime(20_000);
    expect(statuses(sentResponses)).toEqual([486]);
    expect(sentResponses[0].source).toBe(TCP_SOURCE);
    layer.receiveRequest(makeAck(req, busy), TCP_SOURCE);
    expect(tx.state).toBe('terminated');
    expect(layer.serverTransactionCount).toBe(0);
  });

  it('reports Timer H over TCP when no ACK arrives', () => {
    const { tx, req } = startInvite(TCP_SOURCE);
    const onTimeout = vi.fn();
    tx.on('timeout', onTimeout);
    tx.respond(respond(req, 500));
    vi.advanceTimersByTime(32_000);
    expect(onTimeout).toHaveBeenCalledTimes(1);
    expect(tx.state).toBe('terminated');
  });

  describe('Accepted (RFC 6026 §8.7)', () => {
    it('absorbs INVITE retransmissions, lets the TU retransmit its 2xx, hands the ACK to the TU and ends with Timer L', async () => {
      const { layer, tx, req, sentResponses } = startInvite();
      const ok = respond(req, 200);
      tx.respond(ok);
      expect(tx.state).toBe('accepted');
      expect(layer.receiveRequest(req, UDP_SOURCE)).toEqual({ kind: 'absorbed' });
      expect(tx.respond(ok)).toBe(true); // the TU's own 2xx retransmission (§13.3.1.4)
      expect(statuses(sentResponses)).toEqual([200, 200]);

      // An ACK for the 2xx reusing the INVITE branch goes to the TU (a proper one has a new branch).
      expect(layer.receiveRequest(makeAck(req, ok), UDP_SOURCE)).toEqual({ kind: 'ack' });
      expect(tx.state).toBe('accepted');

      const done = vi.fn();
      void tx.terminated.then(done);
      vi.advanceTimersByTime(31_999);
      expect(tx.state).toBe('accepted');
      vi.advanceTimersByTime(1);
      expect(tx.state).toBe('terminated');
      await Promise.resolve();
      expect(done).toHaveBeenCalled();
      expect(layer.serverTransactionCount).toBe(0);
    });

    it('refuses a non-2xx final after the 2xx went out', () => {
      const { tx, req, sentResponses, logger } = startInvite();
      tx.respond(respond(req, 200));
      expect(tx.respond(respond(req, 487))).toBe(false);
      expect(statuses(sentResponses)).toEqual([200]);
      expect(logger.warn).toHaveBeenCalled();
    });

    it('treats an ACK with a fresh branch as the 2xx ACK of no transaction', () => {
      const { layer, tx, req } = startInvite();
      const ok = respond(req, 200);
      tx.respond(ok);
      const ack = makeAck(makeRequest({ method: 'INVITE', branch: 'z9hG4bK-ack2xx' }), ok);
      expect(layer.receiveRequest(ack, UDP_SOURCE)).toEqual({ kind: 'ack' });
    });
  });

  it('reports a transport failure on a response and terminates', async () => {
    const failure = new Error('flow closed');
    const layer = new TransactionLayer({ sendRequest: () => {}, sendResponse: () => Promise.reject(failure) });
    const req = makeRequest({ method: 'INVITE' });
    const result = layer.receiveRequest(req, TCP_SOURCE);
    if (result.kind !== 'new') throw new Error('expected a new transaction');
    const onError = vi.fn();
    result.transaction.on('transportError', onError);
    result.transaction.respond(respond(req, 180));
    await vi.waitFor(() => expect(onError).toHaveBeenCalledWith(failure));
    expect(result.transaction.state).toBe('terminated');
    expect(layer.serverTransactionCount).toBe(0);
  });
});
