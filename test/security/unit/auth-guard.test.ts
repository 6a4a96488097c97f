import { describe, expect, it } from 'vitest';
import type { FunctionEvents, FunctionName, FunctionResults, RegisterResult } from '../../../contracts/function-events.js';
import { DEFAULT_F2B_SETTINGS } from '../../../contracts/fail-to-ban/f2b-settings.js';
import type { Invoker } from '../../../edge/src/invoker/invoker.js';
import { createLogger } from '../../../edge/src/logger.js';
import { AuthenticationGuard, type Judged } from '../../../edge/src/security/auth-guard.js';
import { SecurityGate } from '../../../edge/src/security/security-gate.js';
import { DEFAULT_SECURITY_SETTINGS } from '../../../contracts/settings/edge-settings.js';

/** A register function that fails every guess, answering when the test says so. */
class SlowRegistrar implements Invoker {
  calls = 0;
  private readonly waiting: Array<() => void> = [];
  async invoke<N extends FunctionName>(_name: N, _event: FunctionEvents[N]): Promise<FunctionResults[N]> {
    this.calls++;
    await new Promise<void>((resolve) => this.waiting.push(resolve));
    const result: RegisterResult = { reply: { status: 403, reason: 'Forbidden', headers: [] }, auth: { outcome: 'failed', username: '1002' } };
    return result as FunctionResults[N];
  }
  /** Lets every call made so far answer. */
  async answerAll(): Promise<void> {
    for (const done of this.waiting.splice(0)) done();
    await new Promise((r) => setTimeout(r, 0));
  }
}

const tick = () => new Promise((r) => setTimeout(r, 0));

const event = (address: string) =>
  ({ type: 'register', edge: { id: 'e', bootId: 'b' }, source: { protocol: 'udp', address, port: 5060 }, request: {} }) as unknown as FunctionEvents['register'];

function setup(limits: { concurrent: number; queued: number; maxWaitMs?: number } = { concurrent: 2, queued: 50 }) {
  const gate = new SecurityGate(DEFAULT_SECURITY_SETTINGS, createLogger('silent'));
  gate.setF2bSettings({ ...DEFAULT_F2B_SETTINGS, maxFailures: 5 });
  const registrar = new SlowRegistrar();
  const guard = new AuthenticationGuard(gate, limits);
  // What the request route's authentication step does: the register call, judged in the source address's lane.
  const judge = (address: string): Promise<Judged<RegisterResult>> =>
    guard.judge(address, () => registrar.invoke('register', event(address)) as Promise<RegisterResult>);
  return { gate, registrar, guard, judge };
}

describe('AuthenticationGuard: a pipelining cracker is judged a few guesses at a time', () => {
  it('lets `concurrent` guesses of one address through at once, queues the rest, and never judges the ones queued when the ban lands', async () => {
    const { gate, registrar, guard, judge } = setup();
    const guesses = Array.from({ length: 40 }, () => judge('198.51.100.9'));
    await tick();
    expect(registrar.calls).toBe(2);
    expect(guard.pending('198.51.100.9')).toBe(40);
    for (let round = 0; round < 5 && registrar.calls < 40; round++) await registrar.answerAll();
    const results = await Promise.all(guesses);
    // Failures 1-5 ban the address (counted by the gate itself); at most one more pair was already being judged.
    expect(registrar.calls).toBeLessThanOrEqual(6);
    expect(gate.isBanned('198.51.100.9')).toBe(true);
    const unjudged = results.filter((r) => !r.judged);
    expect(unjudged.length).toBe(40 - registrar.calls);
    expect(unjudged.every((r) => !r.judged && r.reply.status === 403)).toBe(true);
    expect(guard.pending('198.51.100.9')).toBe(0);
  });

  it('other addresses are not held up by a busy one', async () => {
    const { registrar, judge } = setup({ concurrent: 1, queued: 10 });
    void judge('198.51.100.1');
    void judge('198.51.100.1');
    void judge('198.51.100.2');
    await tick();
    expect(registrar.calls).toBe(2);
    await registrar.answerAll();
  });

  it('answers 503 with Retry-After beyond the queue (RFC 3261 §21.5.4)', async () => {
    const { registrar, judge } = setup({ concurrent: 1, queued: 1 });
    void judge('198.51.100.3');
    void judge('198.51.100.3');
    const overflow = await judge('198.51.100.3');
    expect(overflow).toEqual({ judged: false, reply: { status: 503, reason: 'Service Unavailable', headers: [{ name: 'Retry-After', value: '5' }] } });
    await registrar.answerAll();
    await registrar.answerAll();
  });

  it('a request that waited longer than maxWaitMs gets 503 and is never judged; its place in line is free again (RFC 6357 §4)', async () => {
    const { registrar, guard, judge } = setup({ concurrent: 1, queued: 2, maxWaitMs: 50 });
    const first = judge('198.51.100.5');
    const late = [judge('198.51.100.5'), judge('198.51.100.5')];
    await tick();
    expect(registrar.calls).toBe(1);
    // The first is still being judged when the two behind it run out of time.
    expect(await Promise.all(late)).toEqual([
      { judged: false, reply: { status: 503, reason: 'Service Unavailable', headers: [{ name: 'Retry-After', value: '5' }] } },
      { judged: false, reply: { status: 503, reason: 'Service Unavailable', headers: [{ name: 'Retry-After', value: '5' }] } },
    ]);
    expect(guard.pending('198.51.100.5')).toBe(1);
    // The line has room again (queued: 2), and the judge passes to a newcomer, not to the ones refused.
    const next = [judge('198.51.100.5'), judge('198.51.100.5')];
    await registrar.answerAll();
    expect((await first).judged).toBe(true);
    await tick();
    expect(registrar.calls).toBe(2);
    await registrar.answerAll();
    await registrar.answerAll();
    expect((await Promise.all(next)).map((r) => r.judged)).toEqual([true, true]);
    expect(registrar.calls).toBe(3);
    expect(guard.pending('198.51.100.5')).toBe(0);
  });

  it('whitelisted addresses are neither queued nor banned', async () => {
    const { gate, registrar, judge } = setup({ concurrent: 1, queued: 0 });
    gate.setF2bSettings({ ...DEFAULT_F2B_SETTINGS, whitelist: ['198.51.100.0/24'] });
    const all = Array.from({ length: 8 }, () => judge('198.51.100.4'));
    await tick();
    expect(registrar.calls).toBe(8);
    await registrar.answerAll();
    await Promise.all(all);
    expect(gate.isBanned('198.51.100.4')).toBe(false);
  });
});
