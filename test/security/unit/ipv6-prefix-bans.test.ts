/**
 * IPv6: a host picks new addresses inside its /64 at will (RFC 8981), so
 * fail-to-ban counts and bans per /64; flood control and connection caps
 * stay per address (docs/security.md).
 */
import { describe, expect, it } from 'vitest';
import { banSubject } from '../../../contracts/fail-to-ban/address-set.js';
import { DEFAULT_F2B_SETTINGS } from '../../../contracts/fail-to-ban/f2b-settings.js';
import { DEFAULT_SECURITY_SETTINGS } from '../../../contracts/settings/edge-settings.js';
import type { Source } from '../../../contracts/transport.js';
import { createLogger } from '../../../edge/src/logger.js';
import { SecurityGate } from '../../../edge/src/security/security-gate.js';
import { liftBan } from '../../../functions/src/fail-to-ban/ban-admin.js';
import { recordAuthOutcome, type FailToBanDeps } from '../../../functions/src/fail-to-ban/record-auth-failure.js';
import { MemoryBanStore } from './memory-ban-store.js';

const udp = (address: string): Source => ({ protocol: 'udp', address, port: 5060 });

describe('fail-to-ban per IPv6 /64', () => {
  it.each([
    ['2001:db8:1:2::5', '2001:db8:1:2::/64'],
    ['2001:0DB8:0001:0002:aaaa:bbbb:cccc:dddd', '2001:db8:1:2::/64'],
    ['[2001:db8::1]', '2001:db8:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['::ffff:192.0.2.7', '192.0.2.7'],
    ['192.0.2.7', '192.0.2.7'],
    ['::1', '::1'],
  ])('%s is counted and banned as %s', (address, subject) => {
    expect(banSubject(address)).toBe(subject);
  });

  it('failures from different addresses of one /64 add up to one ban of the /64, which the edge enforces for every address in it', async () => {
    const bans = new MemoryBanStore();
    const published: unknown[] = [];
    const deps: FailToBanDeps = { bans, settings: async () => DEFAULT_F2B_SETTINGS, bus: { publish: async (e) => void published.push(...e) }, now: () => 1_000_000 };
    let last;
    for (let i = 1; i <= 5; i++) last = await recordAuthOutcome(deps, { address: `2001:db8:1:2::${i}`, outcome: 'failed' });
    expect(last).toMatchObject({ counted: true, failures: 5, ban: { address: '2001:db8:1:2::/64' } });

    const gate = new SecurityGate(DEFAULT_SECURITY_SETTINGS, createLogger('silent'), () => 1_000_000);
    gate.banAdded({ address: '2001:db8:1:2::/64', until: 2_000_000 });
    expect(gate.admitMessage(udp('2001:db8:1:2::77'))).toBe(false);
    expect(gate.admitMessage(udp('2001:db8:1:3::1'))).toBe(true);

    expect(await liftBan({ bans, bus: deps.bus, now: deps.now }, '2001:db8:1:2::99', 'test')).toMatchObject({ lifted: true });
  });

  it('the edge’s own count goes per /64 too: five addresses of one /64 ban it at once', () => {
    let clock = 1_000;
    const gate = new SecurityGate(DEFAULT_SECURITY_SETTINGS, createLogger('silent'), () => clock);
    gate.setF2bSettings({ ...DEFAULT_F2B_SETTINGS, maxFailures: 5 });
    for (let i = 1; i <= 5; i++) {
      gate.noteAuthFailure(`2001:db8:9:9::${i}`);
      clock += 10;
    }
    expect(gate.isBanned('2001:db8:9:9::abcd')).toBe(true);
    expect(gate.isBanned('2001:db8:9:a::1')).toBe(false);
  });
});
