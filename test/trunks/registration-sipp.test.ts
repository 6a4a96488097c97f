import { afterEach, describe, expect, it } from 'vitest';
import { verifyDigestResponse, computeHa1, parseAuthHeader, type DigestAlgorithm } from '../../sip/index.js';
import { TrunkRegistration, type RegisteringTrunk, type TrunkStatusChange } from '../../edge/src/trunks/trunk-registration.js';
import type { RegSameDialog } from '../../edge/src/trunks/register-request.js';
import { freePort } from '../support/free-port.js';
import { waitUntilUdpBound } from './udp-port-probe.js';
import { hasTool } from '../support/require-tool.js';
import { runSipp, type SippResult } from '../support/sipp.js';
import { startUdpTransactionStack, type UdpTransactionStack } from './udp-transaction-stack.js';

/**
 * External line registration against a real carrier registrar played by SIPp
 * (issue 3): digest challenge answered with the trunk credentials, and the
 * MSS variable gVarSipRegSameDialog deciding Call-ID / CSeq of each REGISTER.
 */
describe.runIf(hasTool('sipp'))('trunk registration against a SIPp carrier', () => {
  let stack: UdpTransactionStack | undefined;
  let registration: TrunkRegistration | undefined;

  afterEach(async () => {
    await registration?.stop({ unregister: false });
    await stack?.close();
    registration = undefined;
    stack = undefined;
  });

  interface Seen {
    callId: string;
    cseq: number;
    authorization: string;
  }

  /** Runs the carrier scenario and the trunk's registration until the carrier has decided. */
  async function registerAgainst(scenario: string, mode: RegSameDialog, algorithm: DigestAlgorithm = 'MD5') {
    const carrierPort = await freePort();
    const carrier: Promise<SippResult> = runSipp({
      scenario,
      transport: 'udp',
      target: '127.0.0.1:5060', // unused: SIPp is the server here
      service: 'carrier',
      localPort: carrierPort,
      calls: 10,
      timeoutSeconds: 10,
      template: { realm: 'carrier.test', algorithm, expires: '120' },
    });
    await waitUntilUdpBound(carrierPort);
    stack = await startUdpTransactionStack();
    const trunk: RegisteringTrunk = {
      tenantId: 'acme', id: 'line-1', host: '127.0.0.1', port: carrierPort, transport: 'udp',
      username: 'acme-line', authUser: 'acme-auth', password: 'line-s3cret', domain: 'carrier.test', expires: 300,
    };
    const statuses: TrunkStatusChange[] = [];
    const decided = new Promise<void>((resolve) => {
      registration = new TrunkRegistration({
        trunk, send: stack!.send, local: stack!.local, regSameDialog: mode,
        onStatus: (s) => {
          statuses.push(s);
          resolve();
        },
      });
    });
    registration!.start();
    // SIPp ends itself once it answered the authenticated REGISTER (or at its timeout, failing the test).
    const sipp = await carrier;
    await Promise.race([decided, new Promise((r) => setTimeout(r, 2_000))]);
    const seen: Seen[] = [...sipp.log.matchAll(/REGISTER call-id=(\S+) cseq=(\d+) authorization=(.*)/g)].map((m) => ({
      callId: m[1], cseq: Number(m[2]), authorization: m[3].trim(),
    }));
    return { statuses, seen, sipp };
  }


  function expectValidDigest(authorization: string, algorithm: DigestAlgorithm) {
    const creds = parseAuthHeader(authorization)!;
    expect(creds.params).toMatchObject({ username: 'acme-auth', realm: 'carrier.test', uri: 'sip:carrier.test', qop: 'auth', nc: '00000001', algorithm });
    const ha1 = computeHa1(algorithm, 'acme-auth', 'carrier.test', 'line-s3cret');
    const ok = verifyDigestResponse({
      algorithm, ha1, method: 'REGISTER', digestUri: 'sip:carrier.test', nonce: creds.params.nonce, qop: 'auth',
      nc: creds.params.nc, cnonce: creds.params.cnonce, response: creds.params.response,
    });
    expect(ok).toBe(true);
  }

  it('gVarSipRegSameDialog=1: the challenge is answered in the same Call-ID with CSeq + 1, and the line goes online', async () => {
    const { statuses, seen, sipp } = await registerAgainst('registrar-challenge.xml', 1);
    expect(sipp.code, sipp.stderr).toBe(97); // stop_now once the carrier answered 200
    expect(seen).toHaveLength(2);
    expect(seen[1].callId).toBe(seen[0].callId);
    expect(seen[1].cseq).toBe(seen[0].cseq + 1);
    expect(seen[0].authorization).toBe('');
    expectValidDigest(seen[1].authorization, 'MD5');
    expect(statuses).toEqual([expect.objectContaining({ tenantId: 'acme', trunkId: 'line-1', status: 'online' })]);
  });

  it('gVarSipRegSameDialog=0: every REGISTER, the authenticated retry included, has its own Call-ID', async () => {
    const { statuses, seen } = await registerAgainst('registrar-challenge.xml', 0, 'SHA-256');
    expect(seen).toHaveLength(2);
    expect(seen[1].callId).not.toBe(seen[0].callId);
    expect(seen.map((s) => s.cseq)).toEqual([1, 1]);
    expectValidDigest(seen[1].authorization, 'SHA-256');
    expect(statuses.at(-1)?.status).toBe('online');
  });

  it('a carrier rejecting the CSeq increment keeps the line offline with gVarSipRegSameDialog=1', async () => {
    const { statuses, seen } = await registerAgainst('registrar-rejects-cseq.xml', 1);
    expect(seen[1].callId).toBe(seen[0].callId);
    expect(statuses).toEqual([expect.objectContaining({ status: 'offline', lastError: '400 Bad Request (Invalid CSeq number)' })]);
    expect(registration!.status.status).toBe('offline');
  });

  it('the same carrier accepts the line with gVarSipRegSameDialog=0', async () => {
    const { statuses, seen } = await registerAgainst('registrar-rejects-cseq.xml', 0);
    expect(seen[1].callId).not.toBe(seen[0].callId);
    expect(statuses).toEqual([expect.objectContaining({ status: 'online' })]);
    expect(statuses[0].lastError).toBeUndefined();
  });
});
