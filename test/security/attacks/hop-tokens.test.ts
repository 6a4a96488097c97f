/**
 * Attacks on the Record-Route hop tokens: a callee keeps the token of a
 * call it once received and uses it later for requests of another dialog
 * (another Call-ID, or the same Call-ID with other tags): "in-dialog"
 * requests skip authorization, so a token that routes anything would let a
 * former callee reach the caller's phone (or, on a trunk leg, the carrier)
 * unauthenticated. And the token must not tell the callee where the caller is.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getHeader, getHeaders, parseNameAddr, parseUri } from '../../../sip/index.js';
import { RawUa } from '../../support/raw-ua.js';
import { startTestStack, TEST_SEED, type TestStack } from '../../support/test-stack.js';

describe('Record-Route hop tokens', () => {
  let stack: TestStack;
  let caller: RawUa;
  let callee: RawUa;
  let recordRoute: string;
  let dialog: { callId: string; callerTag: string; calleeTag: string };

  beforeAll(async () => {
    stack = await startTestStack({ seed: TEST_SEED, env: { PBX_PIKE_REQUESTS: '0' } });
    const pbx = { host: '127.0.0.1', port: stack.sipPort };
    caller = await RawUa.open('127.0.0.91', pbx, { ext: '1001', password: 's3cret-1001', domain: 'acme.test' });
    callee = await RawUa.open('127.0.0.92', pbx, { ext: '1003', password: 's3cret-1003', domain: 'acme.test' });
    expect((await callee.register()).final?.status).toBe(200);
    const call = await caller.request({ method: 'INVITE', uri: 'sip:1003@acme.test' });
    expect(call.final?.status).toBe(200);
    const invite = callee.received.find((r) => r.method === 'INVITE')!;
    recordRoute = getHeaders(invite, 'Record-Route')[0]!;
    dialog = {
      callId: getHeader(call.final!, 'Call-ID')!,
      callerTag: /tag=([^;>\s]+)/.exec(getHeader(call.final!, 'From')!)![1]!,
      calleeTag: /tag=([^;>\s]+)/.exec(getHeader(call.final!, 'To')!)![1]!,
    };
  });
  afterAll(async () => {
    await caller?.close();
    await callee?.close();
    await stack?.dispose();
  });

  /** The former callee sends an "in-dialog" INVITE towards the caller with the kept token. */
  async function forged(callId: string, fromTag: string, toTag: string) {
    const before = caller.received.length;
    const exchange = await callee.request({
      method: 'INVITE',
      uri: `sip:1001@127.0.0.91:${caller.port}`,
      to: '<sip:1001@acme.test>',
      toTag,
      fromTag,
      callId,
      cseq: 50,
      headers: [['Route', recordRoute]],
      authenticate: false,
    });
    await new Promise((r) => setTimeout(r, 200));
    return { status: exchange.final?.status, reachedCaller: caller.received.slice(before).some((r) => r.method === 'INVITE') };
  }

  it('route the dialog they were made for: a re-INVITE of the callee reaches the caller', async () => {
    expect(await forged(dialog.callId, dialog.calleeTag, dialog.callerTag)).toEqual({ status: 200, reachedCaller: true });
  });

  it('route nothing for another Call-ID (481), even with the old tags', async () => {
    expect(await forged('another-dialog@127.0.0.92', dialog.calleeTag, dialog.callerTag)).toEqual({ status: 481, reachedCaller: false });
  });

  it('route nothing for the same Call-ID with other tags (481)', async () => {
    expect(await forged(dialog.callId, 'made-up-tag', 'other-made-up-tag')).toEqual({ status: 481, reachedCaller: false });
  });

  it('do not reveal the caller’s address, port or the edge’s name', () => {
    const token = parseUri(parseNameAddr(recordRoute)!.uri)!.params.nt!;
    const decoded = Buffer.from(token, 'base64url').toString('latin1');
    for (const visible of ['127.0.0.91', String(caller.port), 'edge-test', dialog.callerTag]) expect(decoded).not.toContain(visible);
  });
});
