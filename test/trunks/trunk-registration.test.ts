import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createResponse, getHeader, type SipRequest, type SipResponse } from '../../sip/index.js';
import { TrunkRegistration, type TrunkStatusChange } from '../../edge/src/trunks/trunk-registration.js';
import type { RegistrationOutcome } from '../../edge/src/trunks/transaction-sender.js';
import { refreshDelayMs, backoffDelayMs, MAX_RETRY_MS } from '../../edge/src/trunks/registration-timing.js';

const trunk = {
  tenantId: 'acme', id: 'line-1', host: '127.0.0.1', port: 5099, transport: 'udp' as const,
  username: 'acme-line', password: 'pw', domain: 'carrier.test', expires: 600,
};
const local = { host: '127.0.0.1', port: 5070, protocol: 'udp' as const };

/** A scripted carrier: each REGISTER gets the next answer. */
function carrier(answers: Array<(req: SipRequest) => RegistrationOutcome>) {
  const seen: SipRequest[] = [];
  const send = async (req: SipRequest) => {
    seen.push(req);
    const answer = answers.shift();
    if (!answer) throw new Error('unexpected REGISTER');
    return answer(req);
  };
  return { seen, send };
}
const respond = (status: number, headers: Record<string, string> = {}) => (req: SipRequest): SipResponse =>
  createResponse(req, status, undefined, { headers: Object.entries(headers).map(([name, value]) => ({ name, value })) });

describe('TrunkRegistration timing (fake clock)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('refreshes before the granted expiry and stays online without a new status event', async () => {
    const c = carrier([respond(200, { Expires: '120' }), respond(200, { Expires: '120' })]);
    const statuses: TrunkStatusChange[] = [];
    const reg = new TrunkRegistration({ trunk, send: c.send, local, regSameDialog: 1, onStatus: (s) => statuses.push(s) });
    reg.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(statuses.map((s) => s.status)).toEqual(['online']);
    await vi.advanceTimersByTimeAsync(refreshDelayMs(120) - 1);
    expect(c.seen).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(c.seen).toHaveLength(2);
    expect(getHeader(c.seen[1], 'CSeq')).toBe('2 REGISTER');
    expect(statuses).toHaveLength(1);
    await reg.stop({ unregister: false });
  });

  it('goes offline with the reason and honours Retry-After of a 503, then recovers', async () => {
    const c = carrier([respond(503, { 'Retry-After': '90' }), respond(200)]);
    const statuses: TrunkStatusChange[] = [];
    const reg = new TrunkRegistration({ trunk, send: c.send, local, regSameDialog: 1, onStatus: (s) => statuses.push(s) });
    reg.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(statuses[0]).toMatchObject({ status: 'offline', lastError: '503 Service Unavailable' });
    await vi.advanceTimersByTimeAsync(89_999);
    expect(c.seen).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(statuses.at(-1)).toMatchObject({ status: 'online' });
    expect(statuses.at(-1)?.lastError).toBeUndefined();
    await reg.stop({ unregister: false });
  });

  it('reports a timeout and backs off exponentially from 30 s up to 30 min', async () => {
    expect(backoffDelayMs(1, () => 0)).toBe(30_000);
    expect(backoffDelayMs(2, () => 0)).toBe(60_000);
    expect(backoffDelayMs(20, () => 0)).toBe(MAX_RETRY_MS);
    expect(backoffDelayMs(1, () => 1)).toBe(22_500); // jitter takes off at most a quarter
    const c = carrier([() => 'timeout', () => 'timeout', respond(200)]);
    const statuses: TrunkStatusChange[] = [];
    const reg = new TrunkRegistration({ trunk, send: c.send, local, regSameDialog: 1, random: () => 0, onStatus: (s) => statuses.push(s) });
    reg.start();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(c.seen).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(59_999);
    expect(c.seen).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(statuses.map((s) => s.status)).toEqual(['offline', 'online']);
    expect(statuses[0].lastError).toMatch(/^408/);
  });

  it('answers one challenge per attempt: a second 401 means bad credentials and the line goes offline', async () => {
    const challenge = respond(401, { 'WWW-Authenticate': 'Digest realm="carrier.test", nonce="abc", qop="auth"' });
    const c = carrier([challenge, challenge]);
    const statuses: TrunkStatusChange[] = [];
    const reg = new TrunkRegistration({ trunk, send: c.send, local, regSameDialog: 1, onStatus: (s) => statuses.push(s) });
    reg.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(c.seen).toHaveLength(2);
    expect(getHeader(c.seen[1], 'Authorization')).toMatch(/^Digest username="acme-line"/);
    expect(statuses).toEqual([expect.objectContaining({ status: 'offline', lastError: '401 Unauthorized' })]);
    await reg.stop();
  });

  it('unregisters with Expires: 0 when stopped while online', async () => {
    const c = carrier([respond(200), respond(200)]);
    const statuses: TrunkStatusChange[] = [];
    const reg = new TrunkRegistration({ trunk, send: c.send, local, regSameDialog: 1, onStatus: (s) => statuses.push(s) });
    reg.start();
    await vi.advanceTimersByTimeAsync(0);
    await reg.stop();
    expect(getHeader(c.seen[1], 'Expires')).toBe('0');
    expect(statuses.map((s) => s.status)).toEqual(['online', 'offline']);
  });
});
