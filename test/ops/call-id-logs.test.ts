import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../edge/src/logger.js';
import { udpClient } from '../support/raw-sip-client.js';
import { hasTool } from '../support/require-tool.js';
import { runSipp } from '../support/sipp.js';
import { registerSippDevice, runUas } from '../support/sipp-devices.js';
import { startTestStack, TEST_SEED, type TestStack } from '../support/test-stack.js';
import { pause } from '../trunks/trunk-stack.js';

interface LogLine {
  msg: string;
  callId?: string;
  method?: string;
  [field: string]: unknown;
}

/**
 * Correlation: the edge's log lines about a SIP message name its Call-ID
 * (pino child loggers on the request path), so an admin finds everything
 * about one call — the same id Homer and the CDRs use — with one grep.
 */
describe.runIf(hasTool('sipp'))('log lines carry the Call-ID', () => {
  let stack: TestStack;
  const lines: LogLine[] = [];
  const raw: string[] = [];
  const [acme] = TEST_SEED.tenants;
  const password = (ext: string) => acme.users.find((u) => u.ext === ext)!.password;

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString('utf8').split('\n').filter((l) => l !== '')) {
          raw.push(line);
          lines.push(JSON.parse(line) as LogLine);
        }
        done();
      },
    });
    stack = await startTestStack({ logger: createLogger('debug', 'nimbus-edge', sink) });
  });
  afterAll(async () => {
    await stack?.dispose();
  });

  const linesOf = (callId: string) => lines.filter((l) => l.callId === callId);

  it('every request of a SIPp call (INVITE, its authenticated retry, ACK, BYE) is logged with the call’s Call-ID', async () => {
    const callee = await registerSippDevice(`127.0.0.1:${stack.sipPort}`, { ext: '1002', password: password('1002'), domain: '127.0.0.1' });
    const uas = runUas(`127.0.0.1:${stack.sipPort}`, callee, 'uas-answer.xml');
    await pause(400);
    const caller = await runSipp({
      scenario: 'uac-call.xml', transport: 'udp', target: `127.0.0.1:${stack.sipPort}`, service: '1002', authUser: '1001', password: password('1001'),
      vars: { domain: '127.0.0.1', caller: '1001', talk: '200' }, extraArgs: ['-cid_str', 'corr-%u-%p@test'],
    });
    expect(caller.code, caller.stderr).toBe(0);
    expect((await uas).code).toBe(0);
    const invite = lines.find((l) => l.msg === 'request' && l.method === 'INVITE' && typeof l.callId === 'string' && l.callId.startsWith('corr-'));
    expect(invite, 'no INVITE line with the SIPp Call-ID').toBeDefined();
    const requests = linesOf(invite!.callId!).filter((l) => l.msg === 'request').map((l) => l.method);
    // The caller's INVITE, ACK for the 407, the authenticated INVITE, the ACK for the 200 and the BYE;
    // the edge's own branches to the callee are logged with the same Call-ID, so a subset check suffices.
    expect(requests).toEqual(expect.arrayContaining(['INVITE', 'INVITE', 'ACK', 'BYE']));
    // Never a credential: the password is not in any line.
    expect(raw.some((l) => l.includes(password('1001')))).toBe(false);
  });

  it('a request the edge refuses as invalid and a stray response are logged with their Call-IDs', async () => {
    const client = await udpClient('127.0.0.1', stack.sipPort);
    try {
      const via = `Via: SIP/2.0/UDP 127.0.0.1:${client.localPort};branch=z9hG4bK-bad1;rport`;
      // CSeq names another method than the request line (RFC 3261 §8.1.1.5): 400.
      client.send(['OPTIONS sip:127.0.0.1 SIP/2.0', via, 'Max-Forwards: 70', 'From: <sip:x@127.0.0.1>;tag=1', 'To: <sip:127.0.0.1>', 'Call-ID: invalid-req-1', 'CSeq: 1 INVITE', 'Content-Length: 0', '', ''].join('\r\n'));
      const answer = await client.next(2_000);
      expect(answer.kind === 'response' && answer.status).toBe(400);
      client.send(['SIP/2.0 200 OK', `Via: SIP/2.0/UDP 127.0.0.1:${stack.sipPort};branch=z9hG4bK-nobody-sent-this`, 'From: <sip:x@127.0.0.1>;tag=1', 'To: <sip:y@127.0.0.1>;tag=2', 'Call-ID: stray-resp-1', 'CSeq: 1 OPTIONS', 'Content-Length: 0', '', ''].join('\r\n'));
      await pause(300);
    } finally {
      await client.close();
    }
    expect(linesOf('invalid-req-1').map((l) => l.msg)).toContain('invalid request');
    expect(linesOf('stray-resp-1').map((l) => l.msg)).toContain('stray response dropped');
  });
});
