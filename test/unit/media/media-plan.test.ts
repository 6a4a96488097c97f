import { describe, expect, it } from 'vitest';
import { decideAnchor, mediaProfileOf, profileOfTarget } from '../../../edge/src/media/media-plan.js';

const webrtc = 'v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111 0 8 126\r\na=setup:actpass\r\n';
const plain = 'v=0\r\nm=audio 4000 RTP/AVP 0 8 101\r\n';

describe('media plan (issue #16)', () => {
  it.each([
    [webrtc, 'webrtc'],
    [plain, 'plain'],
    ['v=0\r\n', undefined],
  ])('profile of %j', (sdp, profile) => expect(mediaProfileOf(sdp)).toBe(profile));

  it.each([['ws', 'webrtc'], ['WSS', 'webrtc'], ['udp', 'plain'], ['tcp', 'plain']])('target over %s', (t, p) =>
    expect(profileOfTarget(t)).toBe(p));

  it.each<[string, 'webrtc' | 'plain', 'webrtc' | 'plain', boolean, boolean]>([
    ['browser to browser stays direct', 'webrtc', 'webrtc', false, false],
    ['phone to phone stays direct', 'plain', 'plain', false, false],
    ['browser to phone is anchored', 'webrtc', 'plain', false, true],
    ['phone to browser is anchored', 'plain', 'webrtc', false, true],
    ['anchor-all anchors phone to phone', 'plain', 'plain', true, true],
  ])('%s', (_n, a, b, all, anchored) => expect(decideAnchor(a, b, all).anchor).toBe(anchored));

  it('presents each side in the profile of the other', () => {
    const d = decideAnchor('webrtc', 'plain', false);
    if (!d.anchor) throw new Error('expected anchor');
    expect(d.offerFlags).toMatchObject({ 'transport-protocol': 'RTP/AVP', ICE: 'remove' });
    expect(d.answerFlags).toMatchObject({ 'transport-protocol': 'UDP/TLS/RTP/SAVPF', ICE: 'force' });
  });
});
