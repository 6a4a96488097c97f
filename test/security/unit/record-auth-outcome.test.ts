import { describe, expect, it } from 'vitest';
import { liftBan, listBans } from '../../../functions/src/fail-to-ban/ban-admin.js';
import { DEFAULT_F2B_SETTINGS, type F2bSettings } from '../../../contracts/fail-to-ban/f2b-settings.js';
import { failuresWithin } from '../../../contracts/fail-to-ban/failure-window.js';
import { recordAuthOutcome, type FailToBanDeps } from '../../../functions/src/fail-to-ban/record-auth-failure.js';
import type { PbxEvent } from '../../../contracts/bus/pbx-event.js';
import { MemoryBanStore } from './memory-ban-store.js';

function setup(settings: Partial<F2bSettings> = {}) {
  const bans = new MemoryBanStore();
  const published: PbxEvent[] = [];
  const errors: unknown[] = [];
  let clock = 1_000_000;
  const deps: FailToBanDeps = {
    bans,
    settings: async () => ({ ...DEFAULT_F2B_SETTINGS, ...settings }),
    bus: { publish: async (events) => void published.push(...events) },
    now: () => clock,
    onError: (err) => errors.push(err),
  };
  return { deps, bans, published, errors, advance: (ms: number) => (clock += ms), now: () => clock };
}

const fail = (address: string) => ({ address, outcome: 'failed' as const, tenantId: 'acme', username: '1002' });

describe('recordAuthOutcome: fail-to-ban counting', () => {
  it('only failures count: a first challenge, a stale nonce and a success never do', async () => {
    const { deps, bans } = setup();
    for (const outcome of ['challenge', 'stale', 'ok'] as const) {
      for (let i = 0; i < 10; i++) expect(await recordAuthOutcome(deps, { address: '192.0.2.1', outcome })).toEqual({ counted: false, why: 'not-a-failure' });
    }
    expect(bans.failures.size).toBe(0);
    expect(bans.bans.size).toBe(0);
  });

  it('5 failures within 60 s ban the address for 3 hours and publish ban.added once', async () => {
    const { deps, bans, published, advance, now } = setup();
    for (let i = 1; i <= 4; i++) {
      expect(await recordAuthOutcome(deps, fail('192.0.2.1'))).toEqual({ counted: true, failures: i });
      advance(10_000);
    }
    const fifth = await recordAuthOutcome(deps, fail('192.0.2.1'));
    expect(fifth).toMatchObject({ counted: true, failures: 5, ban: { address: '192.0.2.1', since: now(), until: now() + 10_800_000, failures: 5 } });
    expect(published).toEqual([
      expect.objectContaining({ source: 'nimbus.functions', detailType: 'ban.added', detail: expect.objectContaining({ address: '192.0.2.1', failures: 5, username: '1002' }) }),
    ]);
    expect(bans.failures.has('192.0.2.1')).toBe(false); // a fresh start once the ban ends
  });

  it('failures spread wider than the window never ban (sliding window)', async () => {
    const { deps, bans, advance } = setup();
    for (let i = 0; i < 20; i++) {
      await recordAuthOutcome(deps, fail('192.0.2.2'));
      advance(15_001); // 4 failures per 60 s at most
    }
    expect(bans.bans.size).toBe(0);
    expect(bans.failures.get('192.0.2.2')!.length).toBeLessThanOrEqual(2 * DEFAULT_F2B_SETTINGS.maxFailures); // trimmed
  });

  it('never counts a whitelisted address (CIDR) nor anything when disabled', async () => {
    const white = setup({ whitelist: ['192.0.2.0/24'] });
    for (let i = 0; i < 10; i++) expect(await recordAuthOutcome(white.deps, fail('::ffff:192.0.2.9'))).toEqual({ counted: false, why: 'whitelisted' });
    const off = setup({ enabled: false });
    for (let i = 0; i < 10; i++) expect(await recordAuthOutcome(off.deps, fail('198.51.100.1'))).toEqual({ counted: false, why: 'disabled' });
    expect(white.bans.bans.size + off.bans.bans.size).toBe(0);
  });

  it('concurrent failures past the threshold write and announce one ban', async () => {
    const { deps, published } = setup();
    await Promise.all(Array.from({ length: 12 }, () => recordAuthOutcome(deps, fail('192.0.2.3'))));
    expect(published.filter((e) => e.detailType === 'ban.added')).toHaveLength(1);
  });

  it('never rejects: a store outage is reported to onError and the failure is not counted', async () => {
    const { deps, bans, errors } = setup();
    bans.fail = true;
    expect(await recordAuthOutcome(deps, fail('192.0.2.4'))).toEqual({ counted: false, why: 'error' });
    expect(errors).toHaveLength(1);
  });

  it('counts the configured thresholds (maxFailures, windowSeconds, banSeconds)', async () => {
    const { deps, advance, now } = setup({ maxFailures: 2, windowSeconds: 5, banSeconds: 30 });
    await recordAuthOutcome(deps, fail('192.0.2.5'));
    advance(6000);
    expect(await recordAuthOutcome(deps, fail('192.0.2.5'))).toEqual({ counted: true, failures: 1 });
    const banned = await recordAuthOutcome(deps, fail('192.0.2.5'));
    expect(banned).toMatchObject({ ban: { until: now() + 30_000 } });
  });
});

describe('failuresWithin', () => {
  it('keeps failures stored by other instances with a later clock', () => {
    expect(failuresWithin([100, 5000, 5001], 5000, { maxFailures: 3, windowSeconds: 60 })).toEqual({ times: [100, 5000, 5001], failures: 3, reached: true });
    expect(failuresWithin([100, 70_000], 70_000, { maxFailures: 2, windowSeconds: 60 }).reached).toBe(false);
  });
});

describe('listBans / liftBan (admin)', () => {
  it('lists active bans with since, until, reason and failure count; lifting one publishes ban.lifted and forgets its failures', async () => {
    const { deps, bans, published } = setup({ maxFailures: 1 });
    await recordAuthOutcome(deps, fail('192.0.2.6'));
    await bans.appendFailure('192.0.2.6', deps.now());
    const [ban] = await listBans(deps);
    expect(ban).toMatchObject({ address: '192.0.2.6', active: true, failures: 1, reason: expect.stringContaining('failed authentications') });
    expect(await liftBan(deps, '::ffff:192.0.2.6', 'alice')).toMatchObject({ lifted: true, ban: { address: '192.0.2.6' } });
    expect(published.at(-1)).toMatchObject({ detailType: 'ban.lifted', detail: { address: '192.0.2.6', by: 'alice' } });
    expect(bans.failures.has('192.0.2.6')).toBe(false);
    expect(await listBans(deps)).toEqual([]);
    expect(await liftBan(deps, '192.0.2.6')).toEqual({ lifted: false, reason: 'not-banned' });
  });
});
