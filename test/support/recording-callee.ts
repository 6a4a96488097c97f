import { createResponse, getHeader, getHeaders, newBranch, newTag, parseNameAddr, type SipRequest, type SipResponse } from '../../sip/index.js';
import { answerChallenge } from '../store/digest-client.js';
import { topBranch, UdpSipPeer, type Received } from './udp-sip-peer.js';

/** How the callee treats each INVITE: ring for ever (180) or ring and answer (180, 200). */
export type CalleeBehaviour = 'ring' | 'answer';

/**
 * A phone (or a carrier) on a bare UDP socket that records every request
 * that reaches it and answers like a simple UA: 180 (and 200) with a To tag
 * of its own per INVITE, 200 + 487 to a CANCEL (RFC 3261 §9.2), 200 to a BYE.
 * Each INVITE transaction is recorded once, however often it is
 * retransmitted.
 */
export class RecordingCallee {
  /** Every distinct INVITE (by top Via branch), in arrival order. */
  readonly invites: SipRequest[] = [];
  private readonly toTags = new Map<string, string>();

  private constructor(
    readonly peer: UdpSipPeer,
    readonly ext: string,
    private readonly behaviour: CalleeBehaviour,
  ) {
    peer.onMessage = (r) => this.onMessage(r);
  }

  static async start(options: { address?: string; port?: number; ext: string; behaviour: CalleeBehaviour }): Promise<RecordingCallee> {
    const peer = await UdpSipPeer.bind(options.address ?? '127.0.0.1', options.port ?? 0);
    return new RecordingCallee(peer, options.ext, options.behaviour);
  }

  /** Every request of `method` received (retransmissions included). */
  requests(method: string): SipRequest[] {
    return this.peer.received.map((r) => r.message).filter((m): m is SipRequest => m.kind === 'request' && m.method === method);
  }

  /** The From tags of the INVITEs received: which calls reached this callee. */
  inviteFromTags(): string[] {
    return this.invites.map((i) => parseNameAddr(getHeader(i, 'From') ?? '')?.params.tag ?? '');
  }

  /** REGISTER with digest (401, then credentials, RFC 3261 §22.2): the binding points at this socket. */
  async register(edge: { host: string; port: number }, user: { password: string; domain: string }): Promise<void> {
    const callId = `reg-${newTag()}`;
    const fromTag = newTag();
    const request = (cseq: number, branch: string, authorization?: string): string =>
      [
        `REGISTER sip:${user.domain} SIP/2.0`,
        `Via: SIP/2.0/UDP ${this.peer.address}:${this.peer.port};branch=${branch};rport`,
        'Max-Forwards: 70',
        `From: <sip:${this.ext}@${user.domain}>;tag=${fromTag}`,
        `To: <sip:${this.ext}@${user.domain}>`,
        `Call-ID: ${callId}`,
        `CSeq: ${cseq} REGISTER`,
        `Contact: <sip:${this.ext}@${this.peer.address}:${this.peer.port}>`,
        'Expires: 300',
        ...(authorization ? [`Authorization: ${authorization}`] : []),
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n');
    const send = async (cseq: number, authorization?: string): Promise<SipResponse> => {
      const branch = newBranch();
      this.peer.send(request(cseq, branch, authorization), edge);
      const { message } = await this.peer.waitFor((m) => m.kind === 'response' && topBranch(m) === branch && m.status >= 200, 5000, 'REGISTER answer');
      return message as SipResponse;
    };
    const challenge = await send(1);
    const res =
      challenge.status === 401
        ? await send(2, answerChallenge(challenge, { username: this.ext, password: user.password, uri: `sip:${user.domain}`, method: 'REGISTER' }))
        : challenge;
    if (res.status !== 200) throw new Error(`REGISTER of ${this.ext}: ${res.status} ${res.reason}`);
  }

  private onMessage({ message, from }: Received): void {
    if (message.kind !== 'request') return;
    const reply = (res: SipResponse): void => this.peer.send(res, from);
    const branch = topBranch(message) ?? '';
    switch (message.method) {
      case 'INVITE': {
        if (this.toTags.has(branch)) return; // a retransmission: already answered
        const toTag = newTag();
        this.toTags.set(branch, toTag);
        this.invites.push(message);
        // §12.1.1: the dialog's responses copy Record-Route and carry our Contact.
        const headers = [
          ...getHeaders(message, 'Record-Route').map((value) => ({ name: 'Record-Route', value })),
          { name: 'Contact', value: `<sip:${this.ext}@${this.peer.address}:${this.peer.port}>` },
        ];
        reply(createResponse(message, 180, 'Ringing', { toTag, headers }));
        if (this.behaviour === 'answer') reply(createResponse(message, 200, 'OK', { toTag, headers: [...headers, { name: 'Content-Type', value: 'application/sdp' }], body: ANSWER_SDP }));
        return;
      }
      case 'CANCEL': {
        reply(createResponse(message, 200, 'OK'));
        const invite = this.invites.find((i) => topBranch(i) === branch);
        if (invite && this.behaviour === 'ring') reply(createResponse(invite, 487, 'Request Terminated', { toTag: this.toTags.get(branch)! }));
        return;
      }
      case 'ACK':
        return;
      default:
        reply(createResponse(message, 200, 'OK'));
    }
  }

  close(): Promise<void> {
    return this.peer.close();
  }
}

const ANSWER_SDP = ['v=0', 'o=- 2 2 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', 'm=audio 40002 RTP/AVP 0', 'a=rtpmap:0 PCMU/8000', ''].join('\r\n');

