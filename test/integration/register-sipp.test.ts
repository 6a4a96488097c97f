import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasTool } from '../support/require-tool.js';
import { runSipp } from '../support/sipp.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';
import { readBindings } from '../support/store-inspect.js';

/**
 * Desk phones register over UDP and TCP with digest auth (RFC 3261 §22,
 * RFC 7616), played by SIPp against the real local stack.
 */
describe.runIf(hasTool('sipp'))('REGISTER from SIPp', () => {
  let stack: TestStack;
  const target = () => `127.0.0.1:${stack.sipPort}`;

  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack?.dispose();
  });

  it.each(['udp', 'tcp'] as const)('registers with digest auth over %s and the binding is stored', async (transport) => {
    const result = await runSipp({
      scenario: 'register-auth.xml',
      transport,
      target: target(),
      service: '1001',
      authUser: '1001',
      password: 's3cret-1001',
      vars: { domain: 'acme.test', expires: '300' },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.log).toMatch(/CONTACTS:\s+<sip:1001@127\.0\.0\.1:\d+;transport=/);
    const bindings = await readBindings(stack, 'acme', '1001');
    expect(bindings).toHaveLength(1);
    expect(bindings[0].protocol).toBe(transport);
    expect(bindings[0].contact).toMatch(new RegExp(`transport=${transport}`, 'i'));
  });

  it('answers a wrong password with 403 after the challenge, not with a new 401', async () => {
    const result = await runSipp({
      scenario: 'register-refused.xml',
      transport: 'udp',
      target: target(),
      service: '1003',
      authUser: '1003',
      password: 'not-the-password',
      vars: { domain: 'acme.test' },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(await readBindings(stack, 'acme', '1003')).toHaveLength(0);
  });

  it('treats an unknown user exactly like a wrong password (no extension enumeration)', async () => {
    const runs = await Promise.all(
      ['1003', '7777'].map((user) =>
        runSipp({
          scenario: 'register-refused.xml',
          transport: 'udp',
          target: target(),
          service: user,
          authUser: user,
          password: 'guess',
          vars: { domain: 'acme.test' },
        }),
      ),
    );
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    const [known, unknown] = runs.map((run) => ({
      challenge: normalizeChallenge(run.log.match(/CHALLENGE: (.*)/)?.[1] ?? ''),
      status: run.log.match(/STATUS: (.*)/)?.[1]?.trim(),
    }));
    expect(known.challenge).not.toBe('');
    expect(unknown).toEqual(known);
  });

  it('keeps a binding on refresh and removes it on Expires: 0', async () => {
    const result = await runSipp({
      scenario: 'register-lifecycle.xml',
      transport: 'udp',
      target: target(),
      service: '1003',
      authUser: '1003',
      password: 's3cret-1003',
      vars: { domain: 'acme.test' },
    });
    expect(result.code, result.stderr).toBe(0);
    const registered = Number(result.log.match(/REGISTERED expires=(\d+)/)?.[1]);
    const refreshed = Number(result.log.match(/REFRESHED expires=(\d+)/)?.[1]);
    expect(registered).toBeGreaterThan(100);
    expect(registered).toBeLessThanOrEqual(120);
    expect(refreshed).toBeGreaterThan(500);
    // the refresh kept one binding (same Contact), it did not add a second
    expect(result.log.match(/CONTACTS=(.*)/)?.[1].match(/<sip:/g)).toHaveLength(1);
    expect(result.log).toContain('UNREGISTERED');
    expect(await readBindings(stack, 'acme', '1003')).toHaveLength(0);
  });

  it('"Contact: *" with Expires: 0 removes every device of a multi-device user', async () => {
    // two SIPp runs = two devices (each binds its own random port, so its Contact differs)
    for (let device = 0; device < 2; device++) {
      const run = await runSipp({
        scenario: 'register-auth.xml', transport: 'udp', target: target(), service: '1002', authUser: '1002',
        password: 's3cret-1002', vars: { domain: 'acme.test', expires: '300' },
      });
      expect(run.code, run.stderr).toBe(0);
    }
    expect(await readBindings(stack, 'acme', '1002')).toHaveLength(2);
    const run = await runSipp({
      scenario: 'unregister-all.xml', transport: 'tcp', target: target(), service: '1002', authUser: '1002',
      password: 's3cret-1002', vars: { domain: 'acme.test' },
    });
    expect(run.code, run.stderr).toBe(0);
    expect(await readBindings(stack, 'acme', '1002')).toHaveLength(0);
  });
});

/** The nonce differs per challenge by design; everything else must be identical. */
function normalizeChallenge(header: string): string {
  return header.replace(/nonce="[^"]*"/g, 'nonce="…"').trim();
}
