/**
 * Just enough of the browser's WebRTC API for JsSIP to run its real SIP
 * signalling (RTCSession) in Node: an offer/answer with a static SDP, no
 * media. The media path itself is tested in headless Chromium with the
 * softphone; here only the SIP between JsSIP and the edge matters.
 */
const SDP = [
  'v=0',
  'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111',
  'c=IN IP4 0.0.0.0',
  'a=rtpmap:111 opus/48000/2',
  'a=setup:actpass',
  'a=mid:0',
  'a=sendrecv',
  '',
].join('\r\n');

class FakeRTCSessionDescription {
  type: string;
  sdp: string;
  constructor(init: { type: string; sdp: string }) {
    this.type = init.type;
    this.sdp = init.sdp;
  }
}

class FakeRTCPeerConnection extends EventTarget {
  iceGatheringState = 'complete';
  iceConnectionState = 'new';
  signalingState = 'stable';
  localDescription?: FakeRTCSessionDescription;
  remoteDescription?: FakeRTCSessionDescription;

  async createOffer() {
    return new FakeRTCSessionDescription({ type: 'offer', sdp: SDP });
  }
  async createAnswer() {
    return new FakeRTCSessionDescription({ type: 'answer', sdp: SDP });
  }
  async setLocalDescription(desc: FakeRTCSessionDescription) {
    this.localDescription = desc;
    this.signalingState = desc.type === 'offer' ? 'have-local-offer' : 'stable';
  }
  async setRemoteDescription(desc: FakeRTCSessionDescription) {
    this.remoteDescription = desc;
    this.signalingState = desc.type === 'offer' ? 'have-remote-offer' : 'stable';
  }
  addTrack() {
    return undefined;
  }
  getSenders() {
    return [];
  }
  getReceivers() {
    return [];
  }
  close() {
    this.signalingState = 'closed';
  }
}

export function installFakeWebRtc(): void {
  const g = globalThis as Record<string, unknown>;
  g.RTCPeerConnection ??= FakeRTCPeerConnection;
  g.RTCSessionDescription ??= FakeRTCSessionDescription;
  // JsSIP checks window.RTCPeerConnection before placing a call.
  g.window ??= globalThis;
}
