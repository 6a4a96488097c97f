import { getHeader, getHeaders, newBranch, parseNameAddr, type SipMessage, type SipResponse } from '../../sip/index.js';
import { answerChallenge } from '../store/digest-client.js';
import { cseqMethod, topBranch, UdpSipPeer } from './udp-sip-peer.js';

/** A user and the edge its requests go to. */
export interface RawCaller {
  ext: string;
  password: string;
  domain: string;
  edge: { host: string; port: number };
}

export interface RawInvite {
  /** The number dialled: Request-URI and To user. */
  to: string;
  callId: string;
  fromTag: string;
  /** CSeq of the first INVITE; the one with credentials has the next (RFC 3261 §22.2). */
  cseq?: number;
}

const SDP = ['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', 'm=audio 40000 RTP/AVP 0', 'a=rtpmap:0 PCMU/8000', ''].join('\r\n');

const isResponseTo = (branch: string, method: string) => (m: SipMessage): m is SipResponse =>
  m.kind === 'response' && topBranch(m) === branch && cseqMethod(m) === method;

/**
 * One INVITE written by hand over a raw UDP socket, the way an attacker
 * would: any Call-ID, any From tag, any Via branch. It answers the PBX's 407
 * with the caller's credentials (RFC 3261 §22.3), ACKs every non-2xx final
 * (§17.1.1.3), and can CANCEL (§9.1) or hang up (ACK + BYE along the
 * Record-Route, §12.2.1.1).
 */
export class RawSipCall {
  /** The branch and CSeq of the INVITE the PBX judged (with credentials once challenged). */
  branch = '';
  cseq: number;
  private inviteText = '';
  private final?: SipResponse;
  private answer?: SipResponse;

  constructor(
    readonly peer: UdpSipPeer,
    readonly caller: RawCaller,
    readonly invite: RawInvite,
  ) {
    this.cseq = invite.cseq ?? 1;
  }

  private get requestUri(): string {
    return `sip:${this.invite.to}@${this.caller.domain}`;
  }

  private inviteRequest(branch: string, cseq: number, proxyAuthorization?: string): string {
    const { peer, caller, invite } = this;
    return [
      `INVITE ${this.requestUri} SIP/2.0`,
      `Via: SIP/2.0/UDP ${peer.address}:${peer.port};branch=${branch};rport`,
      'Max-Forwards: 70',
      `From: <sip:${caller.ext}@${caller.domain}>;tag=${invite.fromTag}`,
      `To: <sip:${invite.to}@${caller.domain}>`,
      `Call-ID: ${invite.callId}`,
      `CSeq: ${cseq} INVITE`,
      `Contact: <sip:${caller.ext}@${peer.address}:${peer.port}>`,
      ...(proxyAuthorization ? [`Proxy-Authorization: ${proxyAuthorization}`] : []),
      'Content-Type: application/sdp',
      `Content-Length: ${Buffer.byteLength(SDP)}`,
      '',
      SDP,
    ].join('\r\n');
  }

  /**
   * The first answer that matters: a 180/183, or the final response (the 407
   * is answered on the way, after `onChallenge` if given: a test can look
   * at what the challenge cost before the call goes on).
   */
  async start(timeoutMs = 5000, onChallenge?: (challenge: SipResponse) => Promise<void>): Promise<SipResponse> {
    const first = await this.send(newBranch(), this.cseq, undefined, timeoutMs);
    if (first.status !== 407) return first;
    await onChallenge?.(first);
    this.final = undefined;
    const credentials = answerChallenge(first, { username: this.caller.ext, password: this.caller.password, uri: this.requestUri, method: 'INVITE' });
    return this.send(newBranch(), this.cseq + 1, credentials, timeoutMs);
  }

  /** Only the INVITE without credentials, and its answer (a 407 is ACKed: the attempt ends there). */
  async offer(timeoutMs = 5000): Promise<SipResponse> {
    return this.send(newBranch(), this.cseq, undefined, timeoutMs);
  }

  private async send(branch: string, cseq: number, credentials: string | undefined, timeoutMs: number): Promise<SipResponse> {
    this.branch = branch;
    this.cseq = cseq;
    this.inviteText = this.inviteRequest(branch, cseq, credentials);
    this.peer.send(this.inviteText, this.caller.edge);
    return this.nextResponse(timeoutMs);
  }

  /** The next response to the INVITE that is not 100 Trying; a final one is ACKed (non-2xx) or kept for hangUp (2xx). */
  async nextResponse(timeoutMs = 5000): Promise<SipResponse> {
    for (;;) {
      const { message } = await this.peer.waitFor(isResponseTo(this.branch, 'INVITE'), timeoutMs, `response to INVITE ${this.invite.callId}`);
      const res = message as SipResponse;
      if (res.status === 100) continue;
      if (res.status >= 300) {
        this.final = res;
        this.ackNon2xx(res);
      } else if (res.status >= 200) {
        this.final = res;
        this.answer = res;
      }
      return res;
    }
  }

  /** Waits for the final response (after provisionals). */
  async finalResponse(timeoutMs = 5000): Promise<SipResponse> {
    while (!this.final) await this.nextResponse(timeoutMs);
    return this.final;
  }

  /** §17.1.1.3: the ACK of a non-2xx final belongs to the INVITE's transaction (same branch). */
  private ackNon2xx(res: SipResponse): void {
    const { peer, caller, invite } = this;
    this.peer.send(
      [
        `ACK ${this.requestUri} SIP/2.0`,
        `Via: SIP/2.0/UDP ${peer.address}:${peer.port};branch=${this.branch};rport`,
        'Max-Forwards: 70',
        `From: <sip:${caller.ext}@${caller.domain}>;tag=${invite.fromTag}`,
        `To: ${getHeader(res, 'To')}`,
        `Call-ID: ${invite.callId}`,
        `CSeq: ${this.cseq} ACK`,
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
      caller.edge,
    );
  }

  /**
   * The INVITE the PBX judged, sent again as it was but with another Via
   * branch: what a request that forked and came back looks like (RFC 3261
   * §8.2.2.2: same From tag, Call-ID and CSeq, another transaction).
   */
  async resendWithAnotherBranch(timeoutMs = 5000): Promise<SipResponse> {
    const branch = newBranch();
    const copy = this.inviteText.replace(`branch=${this.branch}`, `branch=${branch}`);
    this.peer.send(copy, this.caller.edge);
    for (;;) {
      const { message } = await this.peer.waitFor(isResponseTo(branch, 'INVITE'), timeoutMs, 'response to the forked-back INVITE');
      const res = message as SipResponse;
      if (res.status < 200) continue;
      return res;
    }
  }

  /** §9.1 CANCEL of a ringing INVITE; resolves with the INVITE's final response (487). */
  async cancel(timeoutMs = 5000): Promise<SipResponse> {
    const { peer, caller, invite } = this;
    this.peer.send(
      [
        `CANCEL ${this.requestUri} SIP/2.0`,
        `Via: SIP/2.0/UDP ${peer.address}:${peer.port};branch=${this.branch};rport`,
        'Max-Forwards: 70',
        `From: <sip:${caller.ext}@${caller.domain}>;tag=${invite.fromTag}`,
        `To: <sip:${invite.to}@${caller.domain}>`,
        `Call-ID: ${invite.callId}`,
        `CSeq: ${this.cseq} CANCEL`,
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
      caller.edge,
    );
    await this.peer.waitFor(isResponseTo(this.branch, 'CANCEL'), timeoutMs, 'response to CANCEL');
    return this.finalResponse(timeoutMs);
  }

  /** After a 2xx: the ACK and a BYE, both along the route set the 2xx recorded (§12.1.2); resolves with the BYE's final response. */
  async hangUp(timeoutMs = 5000): Promise<SipResponse> {
    const answer = this.answer ?? (await this.finalResponse(timeoutMs));
    if (answer.status >= 300) throw new Error(`cannot hang up a call answered ${answer.status}`);
    const target = parseNameAddr(getHeader(answer, 'Contact') ?? '')?.uri;
    if (!target) throw new Error('2xx without Contact');
    const routes = getHeaders(answer, 'Record-Route').reverse();
    const inDialog = (method: string, cseq: number, branch: string): string => {
      const { peer, caller, invite } = this;
      return [
        `${method} ${target} SIP/2.0`,
        `Via: SIP/2.0/UDP ${peer.address}:${peer.port};branch=${branch};rport`,
        'Max-Forwards: 70',
        ...routes.map((r) => `Route: ${r}`),
        `From: <sip:${caller.ext}@${caller.domain}>;tag=${invite.fromTag}`,
        `To: ${getHeader(answer, 'To')}`,
        `Call-ID: ${invite.callId}`,
        `CSeq: ${cseq} ${method}`,
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n');
    };
    this.peer.send(inDialog('ACK', this.cseq, newBranch()), this.caller.edge);
    const byeBranch = newBranch();
    this.peer.send(inDialog('BYE', this.cseq + 1, byeBranch), this.caller.edge);
    for (;;) {
      const { message } = await this.peer.waitFor(isResponseTo(byeBranch, 'BYE'), timeoutMs, 'response to BYE');
      if ((message as SipResponse).status >= 200) return message as SipResponse;
    }
  }
}
