import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeDigestResponse, computeHa1, parseAuthHeader, type DigestAlgorithm } from '../../sip/index.js';
import type { SipResponse } from '../../sip/message.js';
import { udpClient, type RawSipClient } from '../support/raw-sip-client.js';
import { hasTool } from '../support/require-tool.js';
import { startTestStack, TEST_SEED, type TestStack } from '../support/test-stack.js';
import { answers } from './f2b-support.js';

const PROBER = '127.0.0.91';
const METHODS = ['REGISTER', 'INVITE', 'OPTIONS', 'MESSAGE'] as const;
/** Every probe is answered (the prober is whitelisted): wait long enough for a loaded CI machine. */
const ANSWER_MS = 8_000;
type Method = (typeof METHODS)[number];
/** [user, domain]: an existing user, a missing one, in the tenant's domain and in a domain nobody serves. */
const TARGETS = [
  ['1001', 'acme.test'],
  ['7777', 'acme.test'],
  ['1001', 'nowhere.example'],
  ['7777', 'nowhere.example'],
] as const;

function probe(method: Method, user: string, domain: string, port: number, authorization?: { name: string; value: string }): string {
  const ruri = method === 'REGISTER' ? `sip:${domain}` : `sip:${user}@${domain}`;
  const body = method === 'MESSAGE' ? 'hello?' : '';
  return [
    `${method} ${ruri} SIP/2.0`,
    `Via: SIP/2.0/UDP ${PROBER}:${port};branch=z9hG4bK-${randomBytes(6).toString('hex')};rport`,
    'Max-Forwards: 70',
    `From: <sip:${user}@${domain}>;tag=${randomBytes(4).toString('hex')}`,
    `To: <sip:${user}@${domain}>`,
    `Call-ID: enum-${randomBytes(6).toString('hex')}`,
    `CSeq: ${authorization ? 2 : 1} ${method}`,
    ...(method === 'REGISTER' || method === 'INVITE' ? [`Contact: <sip:${user}@${PROBER}:${port}>`] : []),
    ...(authorization ? [`${authorization.name}: ${authorization.value}`] : []),
    ...(body ? ['Content-Type: text/plain'] : []),
    `Content-Length: ${body.length}`,
    '',
    body,
  ].join('\r\n');
}

/** Credentials with a wrong password for whichever challenge came back (401 WWW-Authenticate or 407 Proxy-Authenticate). */
function wrongCredentials(challenge: SipResponse, method: Method, user: string, domain: string): { name: string; value: string } | undefined {
  const proxy = challenge.status === 407;
  const header = challenge.headers.find((h) => h.name === (proxy ? 'Proxy-Authenticate' : 'WWW-Authenticate'));
  const params = header ? parseAuthHeader(header.value)?.params : undefined;
  if (!params?.realm || !params.nonce) return undefined;
  const algorithm = (params.algorithm ?? 'MD5').toUpperCase() as DigestAlgorithm;
  const uri = method === 'REGISTER' ? `sip:${domain}` : `sip:${user}@${domain}`;
  const ha1 = computeHa1(algorithm, user, params.realm, 'not-the-password');
  const response = computeDigestResponse({ algorithm, ha1, method, digestUri: uri, nonce: params.nonce, qop: 'auth', nc: '00000001', cnonce: 'c0ffee' });
  return {
    name: proxy ? 'Proxy-Authorization' : 'Authorization',
    value: `Digest username="${user}", realm="${params.realm}", nonce="${params.nonce}", uri="${uri}", response="${response}", algorithm=${algorithm}, cnonce="c0ffee", qop=auth, nc=00000001`,
  };
}

/** What an attacker could compare: status, reason, and every header but the echoed ones, with per-request values blanked. */
function shape(res: SipResponse | undefined, user: string, domain: string): unknown {
  if (!res) return 'silence';
  const echoed = new Set(['Via', 'From', 'To', 'Call-ID', 'CSeq', 'Content-Length', 'Date']);
  const headers = res.headers
    .filter((h) => !echoed.has(h.name))
    .map((h) => `${h.name}: ${h.value}`
      .replaceAll(domain, '<domain>')
      .replaceAll(user, '<user>')
      .replace(/nonce="[^"]*"/g, 'nonce="*"')
      .replace(/opaque="[^"]*"/g, 'opaque="*"'));
  return { status: res.status, reason: res.reason, headers: headers.sort(), body: res.body.replaceAll(domain, '<domain>') };
}

/**
 * No extension enumeration: an existing user, a missing one, the tenant's
 * domain or one nobody serves — REGISTER, INVITE, OPTIONS and MESSAGE probes
 * get answers an attacker cannot tell apart, before and after guessing a
 * password. (Fail-to-ban still counts the guesses; the prober is
 * whitelisted here so the comparison is not cut short by its own ban.)
 */
describe('extension enumeration', () => {
  let stack: TestStack;
  let client: RawSipClient;

  beforeAll(async () => {
    stack = await startTestStack({ seed: { ...TEST_SEED, system: { f2b: { whitelist: [PROBER] } } } });
    client = await udpClient('127.0.0.1', stack.sipPort, PROBER);
  });
  afterAll(async () => {
    await client?.close();
    await stack?.dispose();
  });

  it.each(METHODS)('%s: existing and missing users, right and wrong domains look the same, with and without a guessed password', async (method) => {
    const first: unknown[] = [];
    const guessed: unknown[] = [];
    for (const [user, domain] of TARGETS) {
      const res = await answers(client, probe(method, user, domain, client.localPort), ANSWER_MS);
      first.push(shape(res, user, domain));
      const creds = res && wrongCredentials(res, method, user, domain);
      guessed.push(creds ? shape(await answers(client, probe(method, user, domain, client.localPort, creds), ANSWER_MS), user, domain) : 'no challenge');
    }
    expect(first[0]).not.toBe('silence');
    for (const other of first.slice(1)) expect(other).toEqual(first[0]);
    for (const other of guessed.slice(1)) expect(other).toEqual(guessed[0]);
  });

  it.runIf(hasTool('svwar'))('SIPVicious svwar cannot tell existing extensions from missing ones', async () => {
    const scan = async (method: string) => {
      const { stdout, stderr } = await promisify(execFile)('svwar', ['--force', '-e1000-1003', '-m', method, '-p', String(stack.sipPort), '--maximumtime', '1', '127.0.0.1'], { timeout: 60_000 }).catch(
        (err: { stdout?: string; stderr?: string }) => ({ stdout: err.stdout ?? '', stderr: err.stderr ?? '' }),
      );
      const rows = new Map([...`${stdout}\n${stderr}`.matchAll(/^\|\s*(\d+)\s*\|\s*(\S+)\s*\|$/gm)].map((m) => [m[1]!, m[2]!]));
      // 1000 does not exist, 1001-1003 do: reported alike (or all not at all).
      return { method, verdicts: ['1000', '1001', '1002', '1003'].map((ext) => rows.get(ext) ?? 'not found') };
    };
    for (const { method, verdicts } of await Promise.all(['REGISTER', 'INVITE', 'OPTIONS'].map(scan))) {
      expect(new Set(verdicts).size, `${method}: ${JSON.stringify(verdicts)}`).toBe(1);
    }
  });
});
