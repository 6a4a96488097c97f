import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.js';
import { runNimbus, type CliRun } from '../support/nimbus-cli.js';
import { hasTool } from '../support/require-tool.js';
import { runSipp } from '../support/sipp.js';
import { startTestStack, TEST_SEED, type TestStack } from '../support/test-stack.js';

/**
 * `npx nimbus <resource> <verb>` against the running local stack, spawned
 * as its own process the way an admin runs it: tables for people, --json
 * for scripts, the API's refusals with their HTTP status and a non-zero
 * exit code — and what it changes is what a SIPp phone meets next.
 */
describe.runIf(hasTool('sipp'))('nimbus CLI against the running local stack', () => {
  let stack: TestStack;
  let carrierPort: number;
  /** The connection as flags-free environment: URL and token of this stack. */
  const env = () => ({ NIMBUS_URL: `http://127.0.0.1:${stack.httpPort}`, NIMBUS_TOKEN: stack.adminToken.token, NIMBUS_TENANT: 'acme' });
  const nimbus = (...args: string[]) => runNimbus(args, { env: env() });
  const ok = (run: CliRun) => {
    expect(run.code, `stderr: ${run.stderr}`).toBe(0);
    return run.stdout;
  };
  const register = (ext: string, password: string) =>
    runSipp({
      scenario: 'register-auth.xml', transport: 'udp', target: `127.0.0.1:${stack.sipPort}`, service: ext, authUser: ext, password,
      vars: { domain: '127.0.0.1', expires: '300' }, timeoutSeconds: 5,
    });

  beforeAll(async () => {
    carrierPort = await freePort();
    const [acme] = TEST_SEED.tenants;
    stack = await startTestStack({
      seed: { tenants: [{ ...acme, trunks: [{ id: 'carrier1', kind: 'ip', host: '127.0.0.1', port: carrierPort, transport: 'udp', routes: [{ prefix: '9', strip: 1 }], maxOutgoingCalls: 4 }] }] },
    });
  });
  afterAll(async () => {
    await stack?.dispose();
  });

  it('lists users as a table, and as the API’s JSON with --json', async () => {
    const table = ok(await nimbus('users', 'list'));
    expect(table).toMatch(/ext\s.*displayName/);
    expect(table).toMatch(/1001\s.*Alice/);
    const json = JSON.parse(ok(await nimbus('users', 'list', '--json'))) as { users: Array<{ ext: string }> };
    expect(json.users.map((u) => u.ext)).toEqual(['1001', '1002', '1003']);
  });

  it('adds a user with a generated password a SIPp phone then registers with; the device shows; a reset password replaces it', async () => {
    const added = await nimbus('users', 'add', '1050', '--display-name', 'Dora', '--max-calls', '2', '--json');
    expect(JSON.parse(ok(added))).toMatchObject({ ext: '1050', displayName: 'Dora', maxCalls: 2 });
    const password = /generated password of 1050: (\S+)/.exec(added.stderr)?.[1];
    expect(password).toBeDefined();
    const phone = await register('1050', password!);
    expect(phone.code, phone.stderr).toBe(0);
    expect(ok(await nimbus('users', 'devices', '1050'))).toMatch(/udp\s.*127\.0\.0\.1:\d+/);

    expect(ok(await nimbus('users', 'reset-password', '1050', '--password', 'brand-new-pw-1050'))).toContain('password of 1050 changed');
    expect((await register('1050', password!)).code).not.toBe(0);
    expect((await register('1050', 'brand-new-pw-1050')).code).toBe(0);
  });

  it('edits a user and deletes it; reading it then is a 404 with the API’s message and exit code 1', async () => {
    ok(await nimbus('users', 'add', '1060', '--password', 'pw-1060-pw-1060'));
    expect(ok(await nimbus('users', 'edit', '1060', '--display-name', 'Eve', '--max-calls', 'none'))).toMatch(/displayName\s.*Eve/);
    expect(ok(await nimbus('users', 'delete', '1060'))).toBe('deleted user 1060\n');
    const gone = await nimbus('users', 'get', '1060');
    expect(gone.code).toBe(1);
    expect(gone.stderr).toBe('nimbus: 404 Not Found: user not found: 1060\n');
  });

  it('shows trunks with their calls in use against the limits, and calls in progress (none)', async () => {
    expect(ok(await nimbus('trunks', 'list'))).toMatch(/carrier1\s.*ip\s.*127\.0\.0\.1.*0\/∞\s.*0\/4/);
    expect(ok(await nimbus('calls', 'list'))).toBe('no calls in progress\n');
  });

  it('adds a trunk from a JSON file and changes its limit by flag', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nimbus-cli-'));
    const file = join(dir, 'carrier2.json');
    await writeFile(file, JSON.stringify({ id: 'carrier2', kind: 'ip', host: '127.0.0.2', port: 5060, transport: 'udp', routes: [{ prefix: '8', strip: 1 }] }));
    expect(JSON.parse(ok(await nimbus('trunks', 'add', file, '--json')))).toMatchObject({ id: 'carrier2', host: '127.0.0.2' });
    expect(JSON.parse(ok(await nimbus('trunks', 'edit', 'carrier2', '--max-incoming-calls', '0', '--json')))).toMatchObject({ maxIncomingCalls: 0 });
    ok(await nimbus('trunks', 'delete', 'carrier2'));
  });

  it('bans an address by hand, lists it and lifts it (system token)', async () => {
    expect(ok(await nimbus('bans', 'add', '192.0.2.77', '--reason', 'cli test'))).toMatch(/address\s.*192\.0\.2\.77/);
    expect(ok(await nimbus('bans', 'list'))).toMatch(/192\.0\.2\.77\s.*yes.*cli test/);
    expect(ok(await nimbus('bans', 'lift', '192.0.2.77'))).toBe('lifted the ban of 192.0.2.77\n');
    expect(ok(await nimbus('bans', 'list'))).toBe('no bans\n');
  });

  it('reads and changes system settings with key=value pairs', async () => {
    expect(ok(await nimbus('settings', 'set', 'f2b.maxFailures=7', 'f2b.whitelist=10.0.0.0/8'))).toMatch(/f2b\.maxFailures\s.*7/);
    const settings = JSON.parse(ok(await nimbus('settings', 'get', '--json'))) as { f2b: { maxFailures: number; whitelist: string[] } };
    expect(settings.f2b).toMatchObject({ maxFailures: 7, whitelist: ['10.0.0.0/8'] });
  });

  it('exports a tenant as a seed document without secrets and imports it back', async () => {
    const exported = ok(await nimbus('seed', 'export'));
    expect(exported).not.toContain('s3cret');
    const dir = await mkdtemp(join(tmpdir(), 'nimbus-cli-'));
    await writeFile(join(dir, 'acme.json'), exported);
    expect(JSON.parse(ok(await nimbus('seed', 'import', join(dir, 'acme.json'), '--json')))).toMatchObject({ tenants: 1, users: expect.any(Number) });
  });

  it('finds the local stack by itself: URL from PBX_HTTP_PORT, token from the data folder', async () => {
    const run = await runNimbus(['tenants', 'list'], { env: { PBX_HTTP_PORT: String(stack.httpPort), PBX_DATA_DIR: stack.dataDir } });
    expect(ok(run)).toMatch(/acme\s.*acme\.test, 127\.0\.0\.1/);
  });

  it.each([
    ['a wrong token', ['users', 'list', '--token', 'wrong-token-wrong-token'], 1, /^nimbus: 401 Unauthorized: /],
    ['no tenant', ['users', 'list', '--tenant', ''], 2, /--tenant is required/],
    ['an unknown verb', ['users', 'frobnicate'], 2, /unknown command 'frobnicate'/],
    ['a bad option value', ['users', 'add', '1070', '--max-calls', 'lots'], 2, /--max-calls: must be a whole number \(got "lots"\)/],
    ['a bad request body', ['users', 'add', 'not an ext'], 1, /^nimbus: 400 Bad Request: ext/],
    ['an API that does not answer', ['tenants', 'list', '--url', 'http://127.0.0.1:{closed}'], 3, /^nimbus: cannot reach http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED/],
  ])('fails clearly on %s', async (_what, args, code, message) => {
    const closed = String(await freePort());
    const run = await nimbus(...(args as string[]).map((a) => a.replace('{closed}', closed)));
    expect(run.code).toBe(code);
    expect(run.stderr).toMatch(message as RegExp);
    expect(run.stdout).toBe('');
  });
});
