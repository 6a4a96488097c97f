/**
 * TLS towards carriers verifies the certificate chain and the host name
 * (RFC 5922 §7, RFC 3261 §26.3.1); PBX_TRUNK_CA_FILE may add CAs. The
 * attacker's side: a TLS "carrier" on loopback that holds a certificate from
 * a CA the system does not trust, or one for another name, and records which
 * SIP requests reach it. Without verification, anyone who can redirect the
 * carrier's address (DNS, routing) gets the calls and the digest answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SettingsError } from '../../../contracts/settings/env-values.js';
import { loadTrunkCa } from '../../../edge/src/transport/trunk-trust.js';
import { hasTool } from '../../support/require-tool.js';
import { startTestStack, type TestStack } from '../../support/test-stack.js';
import { dialOut, pause, seedWithTrunks } from '../../trunks/trunk-stack.js';
import { makeCarrierPki, type CarrierPki } from './tls-carrier-pki.js';
import { startTlsCarrier, type TlsCarrier } from './tls-carrier.js';

/** Until `done` holds or `ms` passed. */
async function waitFor(done: () => boolean, ms = 5_000): Promise<void> {
  for (const until = Date.now() + ms; !done() && Date.now() < until; ) await pause(50);
}

const trunk = (id: string, port: number, prefix: string) => ({
  id, kind: 'ip', host: 'localhost', port, transport: 'tls', routes: [{ prefix, strip: 1 }],
});

describe.runIf(hasTool('openssl') && hasTool('sipp'))('TLS to carriers: chain and host name are verified', () => {
  let pki: CarrierPki;
  let genuine: TlsCarrier;
  let wrongName: TlsCarrier;
  let withoutCa: TestStack;
  let withCa: TestStack;

  beforeAll(async () => {
    pki = makeCarrierPki();
    genuine = await startTlsCarrier(pki.certFor('localhost'));
    wrongName = await startTlsCarrier(pki.certFor('wrong.test'));
    withoutCa = await startTestStack({ seed: seedWithTrunks([trunk('tlsCarrier', genuine.port, '9')]) });
    withCa = await startTestStack({
      seed: seedWithTrunks([trunk('tlsCarrier', genuine.port, '9'), trunk('impostor', wrongName.port, '8')]),
      env: { PBX_TRUNK_CA_FILE: pki.caFile },
    });
  }, 60_000);
  /** A call to `number` over a trunk to `carrier`: the handshake is refused and not one SIP request reaches it. */
  async function expectRefused(stack: TestStack, number: string, carrier: TlsCarrier): Promise<void> {
    const caller = dialOut(stack, number, 'uac-expect-final.xml', { template: { status: '486' }, timeoutSeconds: 3 });
    await waitFor(() => carrier.refusedHandshakes > 0 || carrier.requests.length > 0);
    await caller;
    expect(carrier.requests).toEqual([]);
    expect(carrier.refusedHandshakes).toBeGreaterThan(0);
  }

  afterAll(async () => {
    await withoutCa?.dispose();
    await withCa?.dispose();
    await genuine?.close();
    await wrongName?.close();
  });

  it('a CA the system does not trust (no PBX_TRUNK_CA_FILE): the handshake is refused, the carrier never sees the INVITE', async () => {
    await expectRefused(withoutCa, '95550123', genuine);
  });

  it('with that CA in PBX_TRUNK_CA_FILE and a certificate for the trunk’s host: the INVITE goes through', async () => {
    const caller = await dialOut(withCa, '95550123', 'uac-expect-final.xml', { template: { status: '486' }, timeoutSeconds: 10 });
    expect(caller.code, caller.stderr).toBe(0);
    expect(genuine.requests[0]).toMatch(/^INVITE sip:5550123@localhost:\d+;transport=tls$/);
    expect(genuine.requests.filter((r) => r.startsWith('INVITE '))).toHaveLength(1);
  });

  it('a certificate from the trusted CA but for another name: refused all the same', async () => {
    await expectRefused(withCa, '85550123', wrongName);
  });
});

describe('PBX_TRUNK_CA_FILE is read at start', () => {
  it('a missing file is a settings error naming PBX_TRUNK_CA_FILE', async () => {
    const err = await loadTrunkCa('/nonexistent/ca.pem').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SettingsError);
    expect((err as SettingsError).message).toContain('PBX_TRUNK_CA_FILE');
  });

  it('a file without a PEM certificate is a settings error too', async () => {
    const err = await loadTrunkCa(new URL(import.meta.url).pathname).catch((e: unknown) => e);
    expect((err as SettingsError).problems[0]).toMatch(/^PBX_TRUNK_CA_FILE: .* holds no PEM certificate/);
  });
});
