/**
 * A carrier's digest challenge is answered only for the realm configured on
 * the trunk (RFC 3261 §22.1, §26.3.2.1; RFC 7616 §5.1). Whoever gets to
 * answer the PBX's INVITE or REGISTER (a hijacked carrier name, a box on the
 * path) may challenge for any realm it likes: a response computed with the
 * trunk's password for "evil.example" is a hash to crack offline. The
 * attacker's side: a UDP carrier that challenges and records what comes back.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TrunkRegistration, type RegisteringTrunk, type TrunkStatusChange } from '../../../edge/src/trunks/trunk-registration.js';
import { hasTool } from '../../support/require-tool.js';
import { startTestStack, type TestStack } from '../../support/test-stack.js';
import { dialOut, seedWithTrunks } from '../../trunks/trunk-stack.js';
import { startUdpTransactionStack, type UdpTransactionStack } from '../../trunks/udp-transaction-stack.js';
import { startChallengingCarrier, type ChallengingCarrier } from './challenging-carrier.js';

const TRUNK_REALM = 'carrier.test';

describe.runIf(hasTool('sipp'))('an outbound call challenged for a foreign realm (SIPp caller ↔ edge ↔ raw UDP carrier)', () => {
  let stack: TestStack;
  let evil: ChallengingCarrier;
  let honest: ChallengingCarrier;

  beforeAll(async () => {
    evil = await startChallengingCarrier('evil.example');
    honest = await startChallengingCarrier(TRUNK_REALM);
    stack = await startTestStack({
      seed: seedWithTrunks([
        { id: 'evil', kind: 'ip', host: '127.0.0.1', port: evil.port, transport: 'udp', routes: [{ prefix: '9', strip: 1 }], username: 'acct77', password: 'pw77', realm: TRUNK_REALM },
        { id: 'honest', kind: 'ip', host: '127.0.0.1', port: honest.port, transport: 'udp', routes: [{ prefix: '8', strip: 1 }], username: 'acct77', password: 'pw77', realm: TRUNK_REALM },
      ]),
    });
  });
  afterAll(async () => {
    await stack?.dispose();
    await evil?.close();
    await honest?.close();
  });

  it('realm "evil.example": the carrier never gets Proxy-Authorization; the call fails as for a refused challenge (503)', async () => {
    const caller = await dialOut(stack, '95550123', 'uac-expect-final.xml', { template: { status: '503' }, timeoutSeconds: 15 });
    expect(caller.code, caller.stderr).toBe(0);
    expect(evil.requests.filter((r) => r.method === 'INVITE').length).toBeGreaterThan(0);
    expect(evil.credentialed()).toEqual([]);
  });

  it('the trunk’s own realm: the challenge is answered (the carrier then says 486, which the caller gets)', async () => {
    const caller = await dialOut(stack, '85550123', 'uac-expect-final.xml', { template: { status: '486' }, timeoutSeconds: 15 });
    expect(caller.code, caller.stderr).toBe(0);
    const answered = honest.credentialed();
    expect(answered).toHaveLength(1);
    expect(answered[0]!.headers.find((h) => h.name.toLowerCase() === 'proxy-authorization')?.value).toMatch(/realm="carrier\.test"/);
  });
});

describe('a line REGISTER challenged for a foreign realm (edge transaction stack ↔ raw UDP carrier)', () => {
  let stack: UdpTransactionStack | undefined;
  let carrier: ChallengingCarrier | undefined;
  let registration: TrunkRegistration | undefined;

  afterEach(async () => {
    await registration?.stop({ unregister: false });
    await stack?.close();
    await carrier?.close();
    registration = stack = carrier = undefined;
  });

  async function registerAgainst(challengeRealm: string): Promise<{ first: TrunkStatusChange; refused: string[][] }> {
    carrier = await startChallengingCarrier(challengeRealm);
    stack = await startUdpTransactionStack();
    // domain set, realm not: the realm defaults to the domain.
    const trunk: RegisteringTrunk = {
      tenantId: 'acme', id: 'line-1', host: '127.0.0.1', port: carrier.port, transport: 'udp',
      username: 'acme-line', password: 'line-s3cret', domain: TRUNK_REALM, expires: 300,
    };
    const refused: string[][] = [];
    const first = await new Promise<TrunkStatusChange>((resolve) => {
      registration = new TrunkRegistration({
        trunk, send: stack!.send, local: stack!.local, regSameDialog: 1, onStatus: resolve,
        onRefusedChallenge: (realms) => refused.push(realms),
      });
      registration.start();
    });
    return { first, refused };
  }

  it('realm "evil.example": no Authorization is ever sent and the line stays offline with the 401', async () => {
    const { first, refused } = await registerAgainst('evil.example');
    expect(first).toMatchObject({ status: 'offline', lastError: expect.stringMatching(/^401/) });
    expect(carrier!.requests.length).toBeGreaterThan(0);
    expect(carrier!.credentialed()).toEqual([]);
    expect(refused).toEqual([['evil.example']]);
  });

  it('the trunk’s realm (its domain): the challenge is answered and the line goes online', async () => {
    const { first } = await registerAgainst(TRUNK_REALM);
    expect(first.status).toBe('online');
    expect(carrier!.credentialed()).toHaveLength(1);
  });
});
