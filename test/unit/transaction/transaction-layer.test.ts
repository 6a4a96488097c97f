import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InviteServerTransaction, NonInviteServerTransaction } from '../../../edge/src/transaction/index.js';
import { createHandlers, createHarness, makeAck, makeRequest, respond, statuses, TCP_DEST, TCP_SOURCE, UDP_DEST, UDP_SOURCE } from './harness.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('TransactionLayer', () => {
  describe('CANCEL (RFC 3261 §9.2)', () => {
    it('gets its own non-INVITE server transaction and finds the INVITE it cancels', () => {
      const { layer, sentResponses } = createHarness();
      const invite = makeRequest({ method: 'INVITE', branch: 'z9hG4bK-call' });
      const cancel = makeRequest({ method: 'CANCEL', branch: 'z9hG4bK-call' });
      const inviteResult = layer.receiveRequest(invite, UDP_SOURCE);
      const cancelResult = layer.receiveRequest(cancel, UDP_SOURCE);
      if (inviteResult.kind !== 'new' || cancelResult.kind !== 'new') throw new Error('expected two new transactions');
      expect(cancelResult.transaction).toBeInstanceOf(NonInviteServerTransaction);
      expect(layer.findInviteServerTransaction(cancel)).toBe(inviteResult.transaction);

      // The TU answers both: 200 to the CANCEL, 487 to the INVITE.
      cancelResult.transaction.respond(respond(cancel, 200));
      inviteResult.transaction.respond(respond(invite, 487));
      expect(statuses(sentResponses)).toEqual([200, 487]);
      expect(layer.receiveRequest(cancel, UDP_SOURCE)).toEqual({ kind: 'absorbed' });
      expect(statuses(sentResponses)).toEqual([200, 487, 200]);
    });

    it('finds nothing for a CANCEL with another branch or sent-by', () => {
      const { layer } = createHarness();
      layer.receiveRequest(makeRequest({ method: 'INVITE', branch: 'z9hG4bK-call' }), UDP_SOURCE);
      expect(layer.findInviteServerTransaction(makeRequest({ method: 'CANCEL', branch: 'z9hG4bK-other' }))).toBeUndefined();
      const elsewhere = makeRequest({ method: 'CANCEL', via: 'SIP/2.0/UDP 192.0.2.77:5060;branch=z9hG4bK-call' });
      expect(layer.findInviteServerTransaction(elsewhere)).toBeUndefined();
    });

    it('matches an RFC 2543 CANCEL by Request-URI, tags, Call-ID, CSeq number and Via', () => {
      const { layer } = createHarness();
      const via = 'SIP/2.0/UDP 192.0.2.50:5060';
      const invite = makeRequest({ method: 'INVITE', via, cseq: 5 });
      const result = layer.receiveRequest(invite, UDP_SOURCE);
      expect(layer.findInviteServerTransaction(makeRequest({ method: 'CANCEL', via, cseq: 5 }))).toBe(
        result.kind === 'new' ? result.transaction : undefined,
      );
      expect(layer.findInviteServerTransaction(makeRequest({ method: 'CANCEL', via, cseq: 6 }))).toBeUndefined();
      expect(layer.findInviteServerTransaction(makeRequest({ method: 'CANCEL', via, cseq: 5, toTag: 'x' }))).toBeUndefined();
    });
  });

  describe('RFC 2543 fallback matching (§17.2.3)', () => {
    const via = 'SIP/2.0/UDP 192.0.2.50:5060;branch=old-style-1';

    it('absorbs a retransmitted cookie-less INVITE and routes its ACK to the transaction', () => {
      const { layer, sentResponses } = createHarness();
      const invite = makeRequest({ method: 'INVITE', via });
      const result = layer.receiveRequest(invite, UDP_SOURCE);
      if (result.kind !== 'new') throw new Error('expected a new transaction');
      const busy = respond(invite, 486, 'uas-1');
      result.transaction.respond(busy);

      expect(layer.receiveRequest(structuredClone(invite), UDP_SOURCE)).toEqual({ kind: 'absorbed' });
      expect(statuses(sentResponses)).toEqual([486, 486]);

      // Wrong To tag: not this transaction's ACK.
      expect(layer.receiveRequest(makeAck(invite, respond(invite, 486, 'someone-else')), UDP_SOURCE)).toEqual({ kind: 'ack' });
      expect(result.transaction.state).toBe('completed');
      expect(layer.receiveRequest(makeAck(invite, busy), UDP_SOURCE)).toEqual({ kind: 'absorbed' });
      expect(result.transaction.state).toBe('confirmed');
    });

    it('treats a cookie-less request with another CSeq as a new transaction', () => {
      const { layer } = createHarness();
      expect(layer.receiveRequest(makeRequest({ method: 'OPTIONS', via, cseq: 1 }), UDP_SOURCE).kind).toBe('new');
      expect(layer.receiveRequest(makeRequest({ method: 'OPTIONS', via, cseq: 2 }), UDP_SOURCE).kind).toBe('new');
      expect(layer.serverTransactionCount).toBe(2);
    });
  });

  it('hands an ACK that matches no transaction to the TU', () => {
    const { layer } = createHarness();
    const invite = makeRequest({ method: 'INVITE', branch: 'z9hG4bK-gone' });
    expect(layer.receiveRequest(makeAck(invite, respond(invite, 200)), UDP_SOURCE)).toEqual({ kind: 'ack' });
    expect(layer.serverTransactionCount).toBe(0);
  });

  it('reports a response that matches no client transaction as stray', () => {
    const { layer } = createHarness();
    expect(layer.receiveResponse(respond(makeRequest({ branch: 'z9hG4bK-nobody' }), 200), UDP_DEST)).toBe(false);
  });

  it('refuses ACKs, branchless requests and duplicate branches on the client side', () => {
    const { layer } = createHarness();
    const invite = makeRequest({ method: 'INVITE', branch: 'z9hG4bK-dup' });
    layer.sendRequest(invite, UDP_DEST, createHandlers());
    expect(() => layer.sendRequest(invite, UDP_DEST, createHandlers())).toThrow(/already exists/);
    expect(() => layer.sendRequest(makeAck(invite, respond(invite, 200)), UDP_DEST, createHandlers())).toThrow(/ACK/);
    expect(() => layer.sendRequest(makeRequest({ via: 'SIP/2.0/UDP 192.0.2.10' }), UDP_DEST, createHandlers())).toThrow(/branch/);
  });

  it('keeps the state machine going when a TU callback throws', () => {
    const { layer, logger } = createHarness();
    const req = makeRequest({ method: 'INVITE', branch: 'z9hG4bK-throw' });
    const handlers = createHandlers();
    handlers.onResponse.mockImplementation(() => {
      throw new Error('TU bug');
    });
    const tx = layer.sendRequest(req, TCP_DEST, handlers);
    layer.receiveResponse(respond(req, 486), TCP_DEST);
    expect(tx.state).toBe('terminated');
    expect(logger.warn).toHaveBeenCalled();
  });

  it('empties both maps once every kind of transaction has run its course', () => {
    const { layer } = createHarness();
    // Server: INVITE rejected and ACKed, INVITE accepted, INVITE never ACKed, REGISTER, CANCEL over TCP.
    const rejected = makeRequest({ method: 'INVITE', branch: 'z9hG4bK-s1' });
    const accepted = makeRequest({ method: 'INVITE', branch: 'z9hG4bK-s2' });
    const unacked = makeRequest({ method: 'INVITE', branch: 'z9hG4bK-s3' });
    const register = makeRequest({ method: 'REGISTER', branch: 'z9hG4bK-s4' });
    const cancel = makeRequest({ method: 'CANCEL', branch: 'z9hG4bK-s2' });
    const serverTx = (req: ReturnType<typeof makeRequest>, source = UDP_SOURCE) => {
      const result = layer.receiveRequest(req, source);
      if (result.kind !== 'new') throw new Error('expected a new transaction');
      return result.transaction;
    };
    const busy = respond(rejected, 486);
    serverTx(rejected).respond(busy);
    layer.receiveRequest(makeAck(rejected, busy), UDP_SOURCE);
    serverTx(accepted).respond(respond(accepted, 200));
    serverTx(unacked).respond(respond(unacked, 603));
    serverTx(register).respond(respond(register, 200));
    serverTx(cancel, TCP_SOURCE);
    // Client: INVITE timing out, INVITE rejected, INVITE accepted, MESSAGE answered, OPTIONS timing out.
    const sent = ['INVITE', 'INVITE', 'INVITE', 'MESSAGE', 'OPTIONS'].map((method, i) => {
      const req = makeRequest({ method, branch: `z9hG4bK-c${i}` });
      layer.sendRequest(req, UDP_DEST, createHandlers());
      return req;
    });
    layer.receiveResponse(respond(sent[1], 480), UDP_DEST);
    layer.receiveResponse(respond(sent[2], 200), UDP_DEST);
    layer.receiveResponse(respond(sent[3], 202), UDP_DEST);

    expect(layer.serverTransactionCount).toBe(5);
    expect(layer.clientTransactionCount).toBe(5);
    const cancelTx = layer.findInviteServerTransaction(cancel);
    expect(cancelTx).toBeInstanceOf(InviteServerTransaction);

    vi.advanceTimersByTime(64 * 500);
    // Only the CANCEL server transaction still waits for its TU's answer.
    expect(layer.serverTransactionCount).toBe(1);
    expect(layer.clientTransactionCount).toBe(0);
    const pending = layer.receiveRequest(cancel, TCP_SOURCE);
    expect(pending).toEqual({ kind: 'absorbed' });
    layer.close();
    expect(layer.serverTransactionCount).toBe(0);
  });
});
