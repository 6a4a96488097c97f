import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createHandlers, createHarness, makeRequest, respond, TCP_DEST, UDP_DEST } from './harness.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

const options = () => makeRequest({ method: 'OPTIONS', branch: 'z9hG4bK-nict' });

/** Advances fake time to each instant (ms after `start`) and records how many requests had been sent by then. */
function sendsAt(sent: readonly unknown[], instants: number[], start = Date.now()): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const ms of instants) {
    vi.advanceTimersByTime(start + ms - Date.now());
    counts[ms] = sent.length;
  }
  return counts;
}

describe('non-INVITE client transaction (RFC 3261 §17.1.2)', () => {
  it('retransmits over UDP with Timer E doubling up to T2, then reports Timer F at 32 s', () => {
    const { layer, sentRequests } = createHarness();
    const handlers = createHandlers();
    const tx = layer.sendRequest(options(), UDP_DEST, handlers);
    // Intervals 0.5, 1, 2, 4, 4, 4 … s: sends at 0.5, 1.5, 3.5, 7.5, 11.5, …, 31.5 s.
    expect(sendsAt(sentRequests, [499, 500, 1_500, 3_500, 7_500, 11_499, 11_500, 15_500, 31_500, 31_999])).toEqual({
      499: 1,
      500: 2,
      1_500: 3,
      3_500: 4,
      7_500: 5,
      11_499: 5,
      11_500: 6,
      15_500: 7,
      31_500: 11,
      31_999: 11,
    });
    expect(handlers.onTimeout).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(handlers.onTimeout).toHaveBeenCalledTimes(1);
    expect(tx.state).toBe('terminated');
    expect(layer.clientTransactionCount).toBe(0);
  });

  it('retransmits every T2 once a provisional arrived, and Timer F still applies', () => {
    const { layer, sentRequests } = createHarness();
    const handlers = createHandlers();
    const req = options();
    const start = Date.now();
    const tx = layer.sendRequest(req, UDP_DEST, handlers);
    vi.advanceTimersByTime(600); // retransmitted at 0.5 s; next Timer E due at 1.5 s
    layer.receiveResponse(respond(req, 100), UDP_DEST);
    expect(tx.state).toBe('proceeding');
    expect(handlers.onResponse).toHaveBeenCalledTimes(1);
    // From then on: 1.5 s (the pending timer), then every 4 s: 5.5, 9.5, …, 29.5 s.
    expect(sendsAt(sentRequests, [900, 1_500, 5_499, 5_500, 9_500, 29_500, 31_999], start)).toEqual({
      900: 2,
      1_500: 3,
      5_499: 3,
      5_500: 4,
      9_500: 5,
      29_500: 10,
      31_999: 10,
    });
    vi.advanceTimersByTime(1);
    expect(handlers.onTimeout).toHaveBeenCalledTimes(1);
    expect(tx.state).toBe('terminated');
  });

  it('passes the final response up once and absorbs its retransmissions until Timer K (T4)', () => {
    const { layer, sentRequests } = createHarness();
    const handlers = createHandlers();
    const req = options();
    const tx = layer.sendRequest(req, UDP_DEST, handlers);
    const ok = respond(req, 200);
    layer.receiveResponse(ok, UDP_DEST);
    expect(tx.state).toBe('completed');
    layer.receiveResponse(ok, UDP_DEST);
    layer.receiveResponse(respond(req, 180), UDP_DEST);
    expect(handlers.onResponse).toHaveBeenCalledTimes(1);

    vi.advanceTimersByTime(4_999);
    expect(tx.state).toBe('completed');
    expect(sentRequests).toHaveLength(1); // Timer E stopped by the final response
    vi.advanceTimersByTime(1);
    expect(tx.state).toBe('terminated');
    expect(layer.clientTransactionCount).toBe(0);
    expect(handlers.onTimeout).not.toHaveBeenCalled();
  });

  it('sends once over TCP and terminates as soon as the final arrives (Timer K = 0)', () => {
    const { layer, sentRequests } = createHarness();
    const handlers = createHandlers();
    const req = options();
    const tx = layer.sendRequest(req, TCP_DEST, handlers);
    vi.advanceTimersByTime(10_000);
    expect(sentRequests).toHaveLength(1);
    layer.receiveResponse(respond(req, 404), TCP_DEST);
    expect(handlers.onResponse).toHaveBeenCalledTimes(1);
    expect(tx.state).toBe('terminated');
    expect(layer.clientTransactionCount).toBe(0);
  });

  it('times out over TCP with Timer F and nothing else', () => {
    const { layer, sentRequests } = createHarness();
    const handlers = createHandlers();
    layer.sendRequest(options(), TCP_DEST, handlers);
    vi.advanceTimersByTime(32_000);
    expect(sentRequests).toHaveLength(1);
    expect(handlers.onTimeout).toHaveBeenCalledTimes(1);
  });

  it('matches responses by branch and CSeq method: a CANCEL response does not reach the INVITE', () => {
    const { layer } = createHarness();
    const inviteHandlers = createHandlers();
    const cancelHandlers = createHandlers();
    const invite = makeRequest({ method: 'INVITE', branch: 'z9hG4bK-same' });
    const cancel = makeRequest({ method: 'CANCEL', branch: 'z9hG4bK-same' });
    layer.sendRequest(invite, UDP_DEST, inviteHandlers);
    const cancelTx = layer.sendRequest(cancel, UDP_DEST, cancelHandlers);
    layer.receiveResponse(respond(cancel, 200), UDP_DEST);
    expect(cancelHandlers.onResponse).toHaveBeenCalledTimes(1);
    expect(inviteHandlers.onResponse).not.toHaveBeenCalled();
    expect(cancelTx.state).toBe('completed');
  });
});
