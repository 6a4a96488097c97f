/**
 * Attacks that turn fail-to-ban against others: failures sent with a forged
 * UDP source (somebody else's address, e.g. the office NAT or the carrier),
 * with made-up nonces, with a nonce fetched elsewhere, or for a foreign
 * realm; and the carrier's own address. None of them may ban anybody but an
 * address that really failed to answer a challenge sent to it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestFor, RawUa } from '../../support/raw-ua.js';
import { startTestStack, TEST_SEED, type TestStack } from '../../support/test-stack.js';
import { storedBans } from '../f2b-support.js';

const WRONG = { ext: '1001', password: 'not-the-password', domain: 'acme.test' };
const CARRIER = '127.0.0.73';

describe('fail-to-ban cannot be turned against others', () => {
  let stack: TestStack;
  let pbx: { host: string; port: number };
  const uas: RawUa[] = [];
  const ua = async (host: string) => {
    const u = await RawUa.open(host, pbx, WRONG);
    uas.push(u);
    return u;
  };
  const banned = async () => (await storedBans(stack.storeEndpoint)).map((b) => b.address);
  const gateBans = (address: string) => stack.security.gate.isBanned(address);

  beforeAll(async () => {
    const tenant = { ...TEST_SEED.tenants[0]!, trunks: [{ id: 'carrier', kind: 'ip', host: CARRIER, port: 5090, transport: 'udp', routes: [{ prefix: '9', strip: 1 }] }] };
    stack = await startTestStack({ seed: { tenants: [tenant] }, env: { PBX_PIKE_REQUESTS: '0' } });
    pbx = { host: '127.0.0.1', port: stack.sipPort };
  });
  afterAll(async () => {
    await Promise.all(uas.map((u) => u.close()));
    await stack?.dispose();
  });

  it('made-up credentials from a forged source ban nobody (they answer no nonce we issued)', async () => {
    const forged = await ua('127.0.0.71');
    for (let i = 0; i < 8; i++) {
      const authorization = `Digest username="1001", realm="acme.test", nonce="made-up-${i}", uri="sip:acme.test", response="${'0'.repeat(32)}", algorithm=MD5, cnonce="x", qop=auth, nc=00000001`;
      const exchange = await forged.register({ authenticate: false, headers: [['Authorization', authorization]] });
      expect(exchange.final?.status).toBe(401);
    }
    expect(await banned()).not.toContain('127.0.0.71');
    expect(gateBans('127.0.0.71')).toBe(false);
  });

  it('a nonce fetched at one address and answered wrongly from a forged one counts against nobody', async () => {
    const fetcher = await ua('127.0.0.70');
    const victim = await ua('127.0.0.74');
    for (let i = 0; i < 8; i++) {
      const challenge = await fetcher.register({ authenticate: false });
      const creds = digestFor(challenge.final!, WRONG, { method: 'REGISTER', uri: 'sip:acme.test' });
      // Sent "from" the victim's address (a UDP source the attacker forges).
      const exchange = await victim.register({ authenticate: false, headers: [[creds.header, creds.value]] });
      expect(exchange.final?.status).toBe(401);
    }
    const bans = await banned();
    expect(bans).not.toContain('127.0.0.74');
    expect(bans).not.toContain('127.0.0.70');
    expect(gateBans('127.0.0.74')).toBe(false);
  });

  it('credentials for a foreign realm ban nobody', async () => {
    const foreign = await ua('127.0.0.72');
    for (let i = 0; i < 8; i++) {
      const challenge = await foreign.register({ authenticate: false });
      const creds = digestFor(challenge.final!, WRONG, { method: 'REGISTER', uri: 'sip:acme.test' });
      const exchange = await foreign.register({ authenticate: false, headers: [[creds.header, creds.value.replace('realm="acme.test"', 'realm="evil.example"')]] });
      expect(exchange.final?.status).toBe(401);
    }
    expect(await banned()).not.toContain('127.0.0.72');
  });

  it('a carrier’s address is never banned by failures, while anybody else failing the same way is', async () => {
    const carrier = await ua(CARRIER);
    const cracker = await ua('127.0.0.75');
    for (const who of [carrier, cracker]) {
      // Silence is the answer once an address is banned.
      for (let i = 0; i < 6; i++) if (!(await who.register({ timeoutMs: 1500 })).final) break;
    }
    expect(await banned()).toContain('127.0.0.75');
    expect(await banned()).not.toContain(CARRIER);
    expect(gateBans(CARRIER)).toBe(false);
    expect(gateBans('127.0.0.75')).toBe(true);
    // The carrier is still answered.
    expect((await carrier.register()).final?.status).toBe(403);
  });
});
