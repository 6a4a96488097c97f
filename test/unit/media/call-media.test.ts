import { describe, expect, it } from 'vitest';
import { parseMessage, type SipRequest, type SipResponse } from '../../../sip/index.js';
import { createLogger } from '../../../edge/src/logger.js';
import { MediaAnchors } from '../../../edge/src/media/media-anchors.js';
import type { NgLegFlags } from '../../../edge/src/media/media-plan.js';
import type { MediaControl, NgLeg } from '../../../edge/src/media/rtpengine-ng.js';

const WEBRTC_SDP = 'v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111 0\r\na=setup:actpass\r\n';
const PLAIN_SDP = 'v=0\r\nc=IN IP4 10.0.0.9\r\nm=audio 4000 RTP/AVP 0 101\r\n';

/** rtpengine as the ng protocol sees it: every command recorded, SDP tagged with who rewrote it. */
class RecordingControl implements MediaControl {
  readonly commands: { name: string; leg?: NgLeg; flags?: NgLegFlags; callId?: string; viaBranch?: string }[] = [];
  sessions: string[] = [];
  failOffer = false;
  async offer(leg: NgLeg, _sdp: string, flags: NgLegFlags) {
    this.commands.push({ name: 'offer', leg, flags });
    if (this.failOffer) throw new Error('ports exhausted');
    return `offer-for-${flags['transport-protocol']}`;
  }
  async answer(leg: NgLeg, _sdp: string, flags: NgLegFlags) {
    this.commands.push({ name: 'answer', leg, flags });
    return `answer-for-${flags['transport-protocol']}`;
  }
  async delete(callId: string, _fromTag?: string, viaBranch?: string) {
    this.commands.push({ name: 'delete', callId, ...(viaBranch ? { viaBranch } : {}) });
    this.sessions = this.sessions.filter((c) => c !== callId);
  }
  async list() {
    return this.sessions;
  }
  async ping() {}
  close() {}
}

function message<T extends SipRequest | SipResponse>(lines: string[], body = ''): T {
  const text = [...lines, ...(body ? ['Content-Type: application/sdp'] : []), `Content-Length: ${Buffer.byteLength(body)}`, '', body].join('\r\n');
  const parsed = parseMessage(Buffer.from(text));
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.message as T;
}

const invite = (sdp: string) =>
  message<SipRequest>(['INVITE sip:2002@acme.test SIP/2.0', 'Via: SIP/2.0/WS h.invalid;branch=z9hG4bKa', 'From: <sip:2001@acme.test>;tag=caller', 'To: <sip:2002@acme.test>', 'Call-ID: call-1', 'CSeq: 2 INVITE'], sdp);
const ok = (sdp: string, toTag = 'callee') =>
  message<SipResponse>(['SIP/2.0 200 OK', 'Via: SIP/2.0/UDP edge;branch=z9hG4bKb', 'From: <sip:2001@acme.test>;tag=caller', `To: <sip:2002@acme.test>;tag=${toTag}`, 'Call-ID: call-1', 'CSeq: 2 INVITE'], sdp);
const reInvite = (fromTag: string, toTag: string) =>
  message<SipRequest>(['INVITE sip:x@h SIP/2.0', 'Via: SIP/2.0/UDP h;branch=z9hG4bKc', `From: <sip:a@h>;tag=${fromTag}`, `To: <sip:b@h>;tag=${toTag}`, 'Call-ID: call-1', 'CSeq: 3 INVITE'], PLAIN_SDP);

const source = { protocol: 'ws' as const, address: '127.0.0.1', port: 5555 };

/** `null`: an edge without rtpengine. */
function setup(control: RecordingControl | null = new RecordingControl(), anchorAll = false) {
  const anchors = new MediaAnchors(control ?? undefined, anchorAll, createLogger('silent'));
  const req = invite(WEBRTC_SDP);
  return { control, anchors, req, media: anchors.forInvite(req, 'caller', source) };
}

describe('call media (issue #16)', () => {
  it('a branch to a device of the same profile goes as it is, without asking rtpengine', () => {
    const { control, media, req } = setup();
    expect(media.prepareBranch('b0', req, 'webrtc')).toBeUndefined();
    expect(req.body).toBe(WEBRTC_SDP);
    expect(control!.commands).toEqual([]);
  });

  it('each fork gets its own offer (via-branch), rewritten for the device behind it; the answer comes back in the caller\'s profile', async () => {
    const { control, media, req, anchors } = setup();
    const toPhone = structuredClone(req);
    expect(await media.prepareBranch('b0', toPhone, 'plain')).toBe('anchored');
    expect(media.prepareBranch('b1', structuredClone(req), 'webrtc')).toBeUndefined();
    expect(toPhone.body).toBe('offer-for-RTP/AVP');
    expect(control!.commands[0]).toMatchObject({ name: 'offer', leg: { callId: 'call-1', fromTag: 'caller', viaBranch: 'b0' }, flags: { ICE: 'remove' } });
    expect(anchors.forDialog(reInvite('callee', 'caller'))).toBe(media);

    const answer = await media.branchResponse('b0', ok(PLAIN_SDP));
    expect(answer.body).toBe('answer-for-UDP/TLS/RTP/SAVPF');
    expect(control!.commands[1]).toMatchObject({ name: 'answer', leg: { fromTag: 'caller', toTag: 'callee', viaBranch: 'b0' }, flags: { ICE: 'force' } });
    // The unanchored branch's answer is none of rtpengine's business.
    expect((await media.branchResponse('b1', ok(WEBRTC_SDP))).body).toBe(WEBRTC_SDP);
  });

  it('no rtpengine, or one that refuses: the branch is refused (488), not sent with media nobody hears', async () => {
    expect(await setup(null).media.prepareBranch('b0', invite(WEBRTC_SDP), 'plain')).toBe('no-bridge');
    const control = new RecordingControl();
    control.failOffer = true;
    const { media, anchors, req } = setup(control);
    expect(await media.prepareBranch('b0', req, 'plain')).toBe('no-bridge');
    expect(media.isAnchored('b0')).toBe(false);
    media.release();
    expect(anchors.size).toBe(0);
  });

  it('a re-INVITE is offered towards the side it goes to, under the sender\'s tag; its answer back towards the sender', async () => {
    const { control, media, req } = setup();
    await media.prepareBranch('b0', req, 'plain');
    media.answeredBy('b0');
    const fromCallee = reInvite('callee', 'caller');
    await media.dialogOffer(fromCallee);
    expect(control!.commands.at(-1)).toMatchObject({ name: 'offer', leg: { fromTag: 'callee', toTag: 'caller' }, flags: { 'transport-protocol': 'UDP/TLS/RTP/SAVPF' } });
    const res = ok(WEBRTC_SDP, 'caller');
    await media.dialogAnswer(fromCallee, res);
    expect(control!.commands.at(-1)).toMatchObject({ name: 'answer', leg: { fromTag: 'callee', toTag: 'caller' }, flags: { 'transport-protocol': 'RTP/AVP' } });
    expect(res.body).toBe('answer-for-RTP/AVP');

    await media.dialogOffer(reInvite('caller', 'callee'));
    expect(control!.commands.at(-1)).toMatchObject({ name: 'offer', leg: { fromTag: 'caller' }, flags: { 'transport-protocol': 'RTP/AVP' } });
  });

  it('a failed fork is freed at once (its via-branch), the call\'s session at the end', async () => {
    const { control, media, req } = setup();
    await media.prepareBranch('b0', structuredClone(req), 'plain');
    await media.prepareBranch('b1', structuredClone(req), 'plain');
    media.branchFailed('b0');
    media.branchFailed('b0');
    media.release();
    await new Promise((r) => setImmediate(r));
    expect(control!.commands.filter((c) => c.name === 'delete')).toEqual([
      { name: 'delete', callId: 'call-1', viaBranch: 'b0' },
      { name: 'delete', callId: 'call-1' },
    ]);
  });

  it('release deletes the session once and forgets the call', async () => {
    const { control, media, req, anchors } = setup();
    await media.prepareBranch('b0', req, 'plain');
    media.release();
    media.release();
    await new Promise((r) => setImmediate(r));
    expect(control!.commands.filter((c) => c.name === 'delete')).toEqual([{ name: 'delete', callId: 'call-1' }]);
    expect(anchors.forDialog(reInvite('caller', 'callee'))).toBeUndefined();
  });

  it('anchor-all anchors a phone-to-phone call too; without it such a call stays direct', async () => {
    const phoneToPhone = (anchorAll: boolean) => {
      const req = invite(PLAIN_SDP);
      return new MediaAnchors(new RecordingControl(), anchorAll, createLogger('silent')).forInvite(req, 'caller', { ...source, protocol: 'udp' }).prepareBranch('b0', req, 'plain');
    };
    expect(await phoneToPhone(true)).toBe('anchored');
    expect(phoneToPhone(false)).toBeUndefined();
  });

  it('the reaper deletes a session only when two passes in a row found no call for it', async () => {
    const { control, media, req, anchors } = setup();
    await media.prepareBranch('b0', req, 'plain');
    control!.sessions = ['call-1', 'orphan'];
    expect(await anchors.reap()).toEqual([]);
    expect(await anchors.reap()).toEqual(['orphan']);
    expect(control!.sessions).toEqual(['call-1']);
  });
});
