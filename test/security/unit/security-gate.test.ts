import { describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../../edge/src/logger.js';
import { IncompleteMessageTimer } from '../../../edge/src/security/incomplete-message-timer.js';
import { SecurityGate } from '../../../edge/src/security/security-gate.js';
import { DEFAULT_SECURITY_SETTINGS, type SecuritySettings } from '../../../contracts/settings/edge-settings.js';
import { DEFAULT_F2B_SETTINGS } from '../../../contracts/fail-to-ban/f2b-settings.js';
import type { Source } from '../../../contracts/transport.js';

function gate(overrides: Partial<SecuritySettings> = {}) {
  let clock = 1_000;
  const g = new SecurityGate({ ...DEFAULT_SECURITY_SETTINGS, ...overrides }, createLogger('silent'), () => clock);
  const closed: string[] = [];
  g.attachFlows({ closeByAddress: (address) => (closed.push(address), 1) });
  return { g, closed, advance: (ms: number) => (clock += ms), now: () => clock };
}

const udp = (address: string): Source => ({ protocol: 'udp', address, port: 5060 });
const tcp = (address: string): Source => ({ protocol: 'tcp', address, port: 40000, flowId: 'tcp-1' });

describe('SecurityGate', () => {
  it('drops everything from a banned address until the ban ends, and closes its connections when the ban lands', () => {
    const { g, closed, advance, now } = gate();
    expect(g.admitMessage(udp('192.0.2.1'))).toBe(true);
    g.banAdded({ address: '::ffff:192.0.2.1', until: now() + 5000 });
    expect(closed).toEqual(['192.0.2.1']);
    expect(g.admitMessage(udp('192.0.2.1'))).toBe(false);
    expect(g.admitMessage(tcp('192.0.2.1'))).toBe(false);
    expect(g.admitConnection('192.0.2.1')).toBe(false);
    expect(g.admitMessage(udp('192.0.2.2'))).toBe(true);
    advance(5000);
    expect(g.admitMessage(udp('192.0.2.1'))).toBe(true);
    expect(g.counters.droppedBanned).toBe(2);
  });

  it('a lifted ban restores service at once', () => {
    const { g, now } = gate();
    g.banAdded({ address: '192.0.2.1', until: now() + 60_000 });
    g.banLifted('192.0.2.1');
    expect(g.admitMessage(udp('192.0.2.1'))).toBe(true);
  });

  it('throttles a flooding address independently of authentication', () => {
    const { g } = gate({ pike: { requests: 3, windowSeconds: 1, blockSeconds: 10 } });
    const verdicts = Array.from({ length: 5 }, () => g.admitMessage(udp('192.0.2.9')));
    expect(verdicts).toEqual([true, true, true, false, false]);
    expect(g.isThrottled('192.0.2.9')).toBe(true);
    expect(g.admitMessage(udp('192.0.2.10'))).toBe(true);
  });

  it('caps open connections per address and counts them back down on close', () => {
    const { g } = gate({ maxConnectionsPerAddress: 2 });
    expect([g.admitConnection('192.0.2.1'), g.admitConnection('192.0.2.1'), g.admitConnection('192.0.2.1')]).toEqual([true, true, false]);
    g.releaseConnection('192.0.2.1');
    expect(g.admitConnection('192.0.2.1')).toBe(true);
    expect(g.openConnections('192.0.2.1')).toBe(2);
  });

  it('whitelisted addresses are never dropped, throttled or capped', () => {
    const { g, now } = gate({ maxConnectionsPerAddress: 1, pike: { requests: 1, windowSeconds: 1, blockSeconds: 10 } });
    g.setF2bSettings({ ...DEFAULT_F2B_SETTINGS, whitelist: ['192.0.2.0/24'] });
    g.banAdded({ address: '192.0.2.1', until: now() + 60_000 });
    for (let i = 0; i < 5; i++) expect(g.admitMessage(udp('192.0.2.1'))).toBe(true);
    expect([g.admitConnection('192.0.2.1'), g.admitConnection('192.0.2.1')]).toEqual([true, true]);
    expect(g.isBanned('192.0.2.1')).toBe(false);
  });

  it('judges a WebSocket upgrade by X-Forwarded-For only when the peer is a trusted proxy', () => {
    const { g, now } = gate({ trustedProxies: ['10.0.0.0/8'] });
    g.banAdded({ address: '198.51.100.7', until: now() + 60_000 });
    const upgrade = (peer: string, xff?: string) => g.admitUpgrade({ socket: { remoteAddress: peer } as never, headers: xff ? { 'x-forwarded-for': xff } : {} });
    expect(upgrade('10.1.2.3', '198.51.100.7')).toEqual({ admitted: false, address: '198.51.100.7', reason: 'banned' });
    expect(upgrade('10.1.2.3', '198.51.100.8')).toEqual({ admitted: true, address: '198.51.100.8' });
    // Anyone else writing the header is judged by its own address: it can neither frame nor hide behind another.
    expect(upgrade('203.0.113.5', '198.51.100.7')).toEqual({ admitted: true, address: '203.0.113.5' });
    expect(g.admitHttpConnection('10.1.2.3')).toBe(true); // the proxy itself is never refused for a client's ban
  });
});

describe('IncompleteMessageTimer (slowloris)', () => {
  it('fires when a message stays incomplete, not while messages keep completing', () => {
    vi.useFakeTimers();
    try {
      const onTimeout = vi.fn();
      const timer = new IncompleteMessageTimer(1000, onTimeout);
      timer.pending();
      vi.advanceTimersByTime(600);
      timer.pending(); // more bytes of the same message do not restart the clock
      vi.advanceTimersByTime(500);
      expect(onTimeout).toHaveBeenCalledTimes(1);
      timer.pending();
      vi.advanceTimersByTime(900);
      timer.completed();
      vi.advanceTimersByTime(5000);
      expect(onTimeout).toHaveBeenCalledTimes(1);
    } finally {
      vi.useRealTimers();
    }
  });
});
