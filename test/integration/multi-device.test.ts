import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasTool } from '../support/require-tool.js';
import { runSipp, type SippRun } from '../support/sipp.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';
import { readBindings } from '../support/store-inspect.js';

/**
 * MSS "one number, multi-devices": off by default (a new device replaces the
 * old one), on per user with a device limit. Each SIPp run is one device: it
 * binds its own port, so its Contact differs from the others'.
 */
describe.runIf(hasTool('sipp'))('one number, multi-devices', () => {
  let stack: TestStack;
  const register = (user: string, password: string, overrides: Partial<SippRun> = {}) =>
    runSipp({
      scenario: 'register-auth.xml',
      transport: 'udp',
      target: `127.0.0.1:${stack.sipPort}`,
      service: user,
      authUser: user,
      password,
      vars: { domain: 'acme.test', expires: '300' },
      ...overrides,
    });

  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack?.dispose();
  });

  it('off (default): a second device replaces the first', async () => {
    expect((await register('1001', 's3cret-1001', { localPort: 25061 })).code).toBe(0);
    expect((await register('1001', 's3cret-1001', { localPort: 25062, transport: 'tcp' })).code).toBe(0);
    const bindings = await readBindings(stack, 'acme', '1001');
    expect(bindings).toHaveLength(1);
    expect(bindings[0].contact).toContain(':25062');
    expect(bindings[0].protocol).toBe('tcp');
  });

  it('on: three devices ring at once, the fourth is refused with 403', async () => {
    for (const port of [25071, 25072, 25073]) {
      const run = await register('1002', 's3cret-1002', { localPort: port });
      expect(run.code, run.stderr).toBe(0);
    }
    expect(await readBindings(stack, 'acme', '1002')).toHaveLength(3);
    const fourth = await register('1002', 's3cret-1002', { localPort: 25074, scenario: 'register-refused.xml', vars: { domain: 'acme.test' } });
    expect(fourth.code, fourth.stderr).toBe(0);
    expect(fourth.log).toMatch(/STATUS: SIP\/2\.0 403 .*device/i);
    const contacts = (await readBindings(stack, 'acme', '1002')).map((b) => b.contact).join(' ');
    expect(contacts).not.toContain(':25074');
    expect(contacts).toContain(':25071');
  });

  it('on: a device that re-registers refreshes its own binding instead of taking a new slot', async () => {
    const run = await register('1002', 's3cret-1002', { localPort: 25072 });
    expect(run.code, run.stderr).toBe(0);
    expect(await readBindings(stack, 'acme', '1002')).toHaveLength(3);
  });
});
