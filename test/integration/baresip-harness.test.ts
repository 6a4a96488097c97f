import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Baresip } from '../support/baresip.js';
import { hasTool } from '../support/require-tool.js';
import { readBindings } from '../support/store-inspect.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';
import { wavEnergy } from '../support/wav-energy.js';

/**
 * The desk-phone harness itself, proved phone to phone with no PBX in the
 * path: A dials B's contact directly (RFC 3261 §8.1.1.1 lets a UAC send to
 * any URI), so every later media-bridge test can trust what the harness
 * reports: call states, G.711 audio that arrived, RFC 4733 digits, hold.
 */
describe.runIf(hasTool('baresip'))('baresip desk-phone harness', () => {
  const phones: Baresip[] = [];
  const phone = async (...args: Parameters<typeof Baresip.start>) => {
    const started = await Baresip.start(...args);
    phones.push(started);
    return started;
  };
  afterEach(async () => {
    await Promise.all(phones.splice(0).map((p) => p.stop()));
  });

  it('calls phone to phone: auto-answer, tone heard at the callee, DTMF, hold and resume, hangup', async () => {
    const alice = await phone({ user: 'alice', domain: '127.0.0.1' });
    const bob = await phone({ user: 'bob', domain: '127.0.0.1', answerMode: 'auto' });

    await alice.dial(bob.contactUri);
    // baresip 1.0.0 answers an auto-answer call without a CALL_INCOMING event: established is the first call event.
    await Promise.all([alice.waitFor('CALL_ESTABLISHED'), bob.waitFor('CALL_ESTABLISHED')]);
    await bob.waitFor('CALL_RTPESTAB');
    await bob.waitForAudio();

    await alice.sendDtmf('12#');
    await bob.waitFor('CALL_DTMF_END');
    await bob.waitFor('CALL_DTMF_END');
    await bob.waitFor('CALL_DTMF_END');
    expect(bob.dtmfReceived()).toBe('12#');

    // Each is a re-INVITE answered by bob (RFC 3264 §8.4): bob sees a new remote offer per step.
    await alice.hold();
    await bob.waitFor('CALL_REMOTE_SDP'); // the initial INVITE's offer
    await bob.waitFor('CALL_REMOTE_SDP');
    await alice.resume();
    await bob.waitFor('CALL_REMOTE_SDP');

    await alice.hangup();
    await Promise.all([alice.waitFor('CALL_CLOSED'), bob.waitFor('CALL_CLOSED')]);

    const [received] = await bob.receivedAudio();
    expect(received, bob.output).toBeDefined();
    const energy = await wavEnergy(received);
    expect(energy.sampleRate).toBe(8000);
    expect(energy.durationSeconds).toBeGreaterThan(0.5);
    // The tone is sent at half full scale (RMS ≈ 0.35); silence or comfort noise would sit near 0.
    expect(energy.rms).toBeGreaterThan(0.1);
  });

  it('rings a manual-answer phone (CALL_INCOMING) until it answers; the callee hangs up', async () => {
    const alice = await phone({ user: 'alice', domain: '127.0.0.1' });
    const bob = await phone({ user: 'bob', domain: '127.0.0.1' });
    await alice.dial(bob.contactUri);
    const incoming = await bob.waitFor('CALL_INCOMING');
    expect(incoming.peeruri).toBe('sip:alice@127.0.0.1');
    await alice.waitFor('CALL_RINGING');
    await bob.answer();
    await Promise.all([alice.waitFor('CALL_ESTABLISHED'), bob.waitFor('CALL_ESTABLISHED')]);
    await bob.hangup();
    await Promise.all([alice.waitFor('CALL_CLOSED'), bob.waitFor('CALL_CLOSED')]);
  });

  it('fails hold clearly when there is no call to hold', async () => {
    const alice = await phone({ user: 'alice', domain: '127.0.0.1' });
    await expect(alice.hold()).rejects.toThrow(/baresip hold/);
  });
});

/** The same harness as a desk phone of a Nimbus user: digest REGISTER (RFC 3261 §22) over UDP to the local stack. */
describe.runIf(hasTool('baresip'))('baresip registers with the local stack', () => {
  let stack: TestStack;
  const phones: Baresip[] = [];
  beforeAll(async () => {
    stack = await startTestStack({ env: { PBX_DIGEST_ALGORITHMS: 'MD5' } });
  });
  afterEach(async () => {
    await Promise.all(phones.splice(0).map((p) => p.stop()));
  });
  afterAll(async () => {
    await stack?.dispose();
  });

  it('registers a seeded user with digest auth and the binding points at the phone', async () => {
    const desk = await Baresip.start({
      user: '1001',
      domain: 'acme.test',
      registrar: { host: '127.0.0.1', port: stack.sipPort },
      password: 's3cret-1001',
    });
    phones.push(desk);
    await desk.registered();
    const bindings = await readBindings(stack, 'acme', '1001');
    expect(bindings).toHaveLength(1);
    // baresip 1.0.0 registers a Contact user of its own (`1001-0x…`): the host:port is what must match.
    expect(bindings[0].contact).toContain(`@${desk.contactUri.split('@')[1]}`);
  });

  it('reports REGISTER_FAIL for a wrong password', async () => {
    const desk = await Baresip.start({
      user: '1003',
      domain: 'acme.test',
      registrar: { host: '127.0.0.1', port: stack.sipPort },
      password: 'not-the-password',
    });
    phones.push(desk);
    await expect(desk.registered()).rejects.toThrow(/registration failed/);
    expect(await readBindings(stack, 'acme', '1003')).toHaveLength(0);
  });
});
