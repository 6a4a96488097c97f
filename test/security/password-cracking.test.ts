import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasTool } from '../support/require-tool.js';
import { udpClient } from '../support/raw-sip-client.js';
import { runSipp } from '../support/sipp.js';
import { readBindings } from '../support/store-inspect.js';
import { registerSippDevice, runUas } from '../support/sipp-devices.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';
import { answers, optionsRequest, registerAttempt, statusOf, storedBans } from './f2b-support.js';
import { runSvcrack } from './sipvicious.js';

const ATTACKER = '127.0.0.66';
const VICTIM_PASSWORD = 'sunshine';
/** The victim's password sits a few dozen guesses down the list. */
const WORDLIST = [...Array.from({ length: 36 }, (_, i) => `guess-${String(i).padStart(2, '0')}`), VICTIM_PASSWORD, 'trustno1'];
const SEED = {
  tenants: [
    {
      id: 'acme',
      domains: ['acme.test', '127.0.0.1'],
      users: [
        { ext: '1001', password: 's3cret-1001', displayName: 'Alice, the legitimate phone' },
        { ext: '1002', password: VICTIM_PASSWORD, displayName: 'Bob, the victim' },
        { ext: '1003', password: 's3cret-1003', displayName: 'Carol, whom Alice calls' },
      ],
    },
  ],
};

/**
 * A dictionary attack with a real cracker (SIPVicious svcrack) from one
 * loopback address, while a legitimate phone on 127.0.0.1 keeps registering,
 * sending keep-alives and making a call. Fail-to-ban must stop the cracker
 * before it reaches the right password; the phone must never notice.
 */
describe.runIf(hasTool('svcrack') && hasTool('sipp'))('password cracking with SIPVicious svcrack', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ seed: SEED });
  });
  afterAll(async () => {
    await stack?.dispose();
  });

  it('bans the cracker before it reaches the password (never a 200), while the phone on 127.0.0.1 keeps registering and calling', async () => {
    const target = `127.0.0.1:${stack.sipPort}`;
    const phone = await udpClient('127.0.0.1', stack.sipPort, '127.0.0.1');
    const callee = await registerSippDevice(target, { ext: '1003', password: 's3cret-1003', domain: 'acme.test' });
    let cracking = true;
    const phoneStatuses: Array<number | 'silence'> = [];
    // The legitimate phone: re-registers and sends OPTIONS keep-alives all through the attack.
    const phoneLife = (async () => {
      for (let round = 0; cracking || round < 4; round++) {
        phoneStatuses.push(statusOf(await registerAttempt(phone, '127.0.0.1', { user: '1001', password: 's3cret-1001' })));
        phoneStatuses.push(statusOf(await answers(phone, optionsRequest('UDP', '127.0.0.1', phone.localPort))));
        await new Promise((r) => setTimeout(r, 150));
      }
    })();
    // …and calls Carol while the attack runs (RFC 3261 §16 proxy, 407 challenge, BYE).
    const uas = runUas(target, callee, 'uas-answer.xml');
    await new Promise((r) => setTimeout(r, 400));
    const callPromise = runSipp({
      scenario: 'uac-call.xml', transport: 'udp', target, service: '1003', authUser: '1001', password: 's3cret-1001',
      vars: { domain: 'acme.test', caller: '1001', talk: '1500' }, timeoutSeconds: 30,
    });

    const crack = await runSvcrack({ host: '127.0.0.1', port: stack.sipPort, bind: ATTACKER, username: '1002', domain: 'acme.test', wordlist: WORDLIST, maximumTime: 3 });
    cracking = false;
    const [call, answered] = await Promise.all([callPromise, uas, phoneLife]);
    await phone.close();

    // The cracker: no password, banned in the store, everything it sent after the ban dropped.
    expect(crack.cracked, crack.output).toBeUndefined();
    expect(crack.output).not.toContain(VICTIM_PASSWORD);
    const ban = (await storedBans(stack.storeEndpoint)).find((b) => b.address === ATTACKER);
    expect(ban).toMatchObject({ address: ATTACKER, username: '1002', tenantId: 'acme' });
    // Its guess of the right password was never even judged: no binding for the victim.
    expect(await readBindings(stack, 'acme', '1002')).toEqual([]);
    // The phone: every REGISTER and keep-alive answered 200, the call set up and torn down.
    expect(phoneStatuses.length).toBeGreaterThanOrEqual(8);
    expect(new Set(phoneStatuses)).toEqual(new Set([200]));
    expect(call.code, call.stderr).toBe(0);
    expect(answered.code, answered.stderr).toBe(0);
  });
});
