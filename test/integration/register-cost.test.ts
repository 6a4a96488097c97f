import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseExposition, sampleSum, sampleValue, type Sample } from '../support/prometheus-text.js';
import { hasTool } from '../support/require-tool.js';
import { registerSippDevice } from '../support/sipp-devices.js';
import { startTestStack, TEST_SEED, type TestStack } from '../support/test-stack.js';

const METRICS_TOKEN = 'register-cost-metrics-token';

/**
 * What a registration costs (issue 14), read from the stack's own /metrics
 * while SIPp phones register: once the edge has relayed one answer of the
 * registrar for a domain, it issues the first 401 of every later REGISTER
 * for that domain itself — no function call, no store read — and a warm
 * registrar reads the tenant (and, on a refresh, the user) from memory.
 */
describe.runIf(hasTool('sipp'))('the cost of a registration (real stack, SIPp phones)', () => {
  let stack: TestStack;
  const [acme] = TEST_SEED.tenants;
  const password = (ext: string) => acme.users.find((u) => u.ext === ext)!.password;
  const target = () => `127.0.0.1:${stack.sipPort}`;

  beforeAll(async () => {
    // Directory data kept an hour: what is read from memory must not depend on how fast this machine is today.
    stack = await startTestStack({ env: { PBX_METRICS_TOKEN: METRICS_TOKEN, PBX_DIRECTORY_CACHE_SECONDS: '3600' } });
  });
  afterAll(async () => {
    await stack?.dispose();
  });

  async function scrape(): Promise<Sample[]> {
    const res = await fetch(`http://127.0.0.1:${stack.httpPort}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    return parseExposition(await res.text());
  }

  /** Registers `ext` (REGISTER, 401, REGISTER with credentials, 200) and returns what that cost. */
  async function costOf(ext: string) {
    const before = await scrape();
    await registerSippDevice(target(), { ext, password: password(ext), domain: 'acme.test' });
    const after = await scrape();
    const delta = (name: string, labels: Record<string, string> = {}) => sampleSum(after, name, labels) - sampleSum(before, name, labels);
    return {
      invokes: delta('nimbus_function_duration_seconds_count', { function: 'register' }),
      storeRequests: delta('nimbus_store_request_duration_seconds_count'),
      reads: ['GetItem', 'BatchGetItem', 'Query'].reduce((sum, operation) => sum + delta('nimbus_store_request_duration_seconds_count', { operation }), 0),
      challenges: sampleValue(after, 'nimbus_register_requests_total', { result: 'challenge' }) - sampleValue(before, 'nimbus_register_requests_total', { result: 'challenge' }),
      ok: sampleValue(after, 'nimbus_register_requests_total', { result: 'ok' }) - sampleValue(before, 'nimbus_register_requests_total', { result: 'ok' }),
    };
  }

  it('the first registration of a domain asks the registrar twice; the next one once, the challenge is the edge’s and still counted', async () => {
    const first = await costOf('1001');
    expect(first).toMatchObject({ invokes: 2, challenges: 1, ok: 1 });
    const next = await costOf('1003');
    expect(next).toMatchObject({ invokes: 1, challenges: 1, ok: 1 });
    expect(next.storeRequests).toBeLessThan(first.storeRequests);
    // The tenant came from the warm registrar's memory: only the user and the bindings were read, in one request.
    expect(next.reads).toBeLessThan(first.reads - 1);
    expect(next).toMatchObject({ reads: 1, storeRequests: 2 });
  });

  it('a refresh costs one invoke and one write: the user, the bindings and the online interval come from the warm registrar and go in the one write', async () => {
    const other = await costOf('1002');
    const refresh = await costOf('1002');
    expect(refresh).toMatchObject({ invokes: 1, challenges: 1, ok: 1 });
    expect(refresh.reads).toBeLessThan(other.reads);
    expect(refresh).toMatchObject({ reads: 0, storeRequests: 1 });
  });
});
