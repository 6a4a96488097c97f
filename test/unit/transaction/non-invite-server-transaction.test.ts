import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NonInviteServerTransaction } from '../../../edge/src/transaction/index.js';
import type { Source } from '../../../contracts/transport.js';
import { createHarness, makeRequest, respond, statuses, TCP_SOURCE, UDP_SOURCE } from './harness.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

function startRegister(source: Source = UDP_SOURCE) {
  const harness = createHarness();
  const req = makeRequest({ method: 'REGISTER', uri: 'sip:example.com', branch: 'z9hG4bK-nist' });
  const result = harness.layer.receiveRequest(req, source);
  if (result.kind !== 'new' || !(result.transaction instanceof NonInviteServerTransaction)) throw new Error('expected a new transaction');
  return { ...harness, req, tx: result.transaction };
}

describe('non-INVITE server transaction (RFC 3261 §17.2.2)', () => {
  it('starts in Trying, sends no 100 by itself, and absorbs retransmissions silently', () => {
    const { layer, tx, req, sentResponses } = startRegister();
    expect(tx.state).toBe('trying');
    vi.advanceTimersByTime(1_000);
    expect(layer.receiveRequest(req, UDP_SOURCE)).toEqual({ kind: 'absorbed' });
    expect(sentResponses).toHaveLength(0);
  });

  it('answers retransmissions in Proceeding with the latest provisional', () => {
    const { layer, tx, req, sentResponses } = startRegister();
    tx.respond(respond(req, 100));
    expect(tx.state).toBe('proceeding');
    layer.receiveRequest(req, UDP_SOURCE);
    expect(statuses(sentResponses)).toEqual([100, 100]);
  });

  it('answers retransmissions in Completed with the final, until Timer J (64*T1) on UDP', () => {
    const { layer, tx, req, sentResponses } = startRegister();
    tx.respond(respond(req, 100));
    tx.respond(respond(req, 200));
    expect(tx.state).toBe('completed');
    layer.receiveRequest(req, UDP_SOURCE);
    expect(statuses(sentResponses)).toEqual([100, 200, 200]);
    expect(tx.respond(respond(req, 500))).toBe(false);

    vi.advanceTimersByTime(31_999);
    expect(tx.state).toBe('completed');
    vi.advanceTimersByTime(1);
    expect(tx.state).toBe('terminated');
    expect(layer.serverTransactionCount).toBe(0);
    // After Timer J the same request is a new transaction again.
    expect(layer.receiveRequest(req, UDP_SOURCE).kind).toBe('new');
  });

  it('does not retransmit a final by itself (only in answer to a request)', () => {
    const { tx, req, sentResponses } = startRegister();
    tx.respond(respond(req, 401));
    vi.advanceTimersByTime(31_000);
    expect(statuses(sentResponses)).toEqual([401]);
  });

  it('terminates as soon as the final is sent over TCP (Timer J = 0)', () => {
    const { layer, tx, req, sentResponses } = startRegister(TCP_SOURCE);
    const terminated = vi.fn();
    tx.on('terminated', terminated);
    tx.respond(respond(req, 200));
    expect(statuses(sentResponses)).toEqual([200]);
    expect(sentResponses[0].source).toBe(TCP_SOURCE);
    expect(tx.state).toBe('terminated');
    expect(terminated).toHaveBeenCalledTimes(1);
    expect(layer.serverTransactionCount).toBe(0);
  });
});
