/**
 * A small SIP user agent on a raw UDP socket, bound to a chosen loopback
 * address (127.x.y.z simulates another host): registers with digest, places
 * requests answering 401/407, answers what the PBX sends it, and records
 * every request it receives exactly as it arrived. The attack tests use it
 * as a phone, a callee that keeps what it was sent, or an attacker that
 * replays and forges.
 */
import dgram from 'node:dgram';
import { randomBytes } from 'node:crypto';
import {
  computeDigestResponse,
  computeHa1,
  createResponse,
  getHeader,
  newTag,
  parseAuthHeader,
  parseMessage,
  serializeMessage,
  type DigestAlgorithm,
} from '../../sip/index.js';
import type { SipRequest, SipResponse } from '../../sip/message.js';

export interface UaUser {
  ext: string;
  password: string;
  domain: string;
}

export interface RequestSpec {
  method: string;
  /** Request-URI. */
  uri: string;
  to?: string;
  callId?: string;
  fromTag?: string;
  toTag?: string;
  cseq?: number;
  headers?: Array<[string, string]>;
  body?: string;
  contentType?: string;
  /** Answer a 401/407 with our credentials (default true). */
  authenticate?: boolean;
  timeoutMs?: number;
}

export interface Exchange {
  /** The final response (after a challenge was answered, the second one). */
  final: SipResponse | undefined;
  /** Every request this UA sent for it, as text (for replays). */
  sent: string[];
  /** Every response received for it. */
  responses: SipResponse[];
}

const SDP = (host: string) =>
  ['v=0', `o=- 1 1 IN IP4 ${host}`, 's=-', `c=IN IP4 ${host}`, 't=0 0', 'm=audio 40000 RTP/AVP 0', 'a=rtpmap:0 PCMU/8000', ''].join('\r\n');

/** Digest credentials for a challenge (RFC 7616 §3.4, qop=auth). */
export function digestFor(
  challenge: SipResponse,
  user: { ext: string; password: string },
  request: { method: string; uri: string },
  opts: { nc?: string; cnonce?: string; algorithm?: DigestAlgorithm } = {},
): { header: 'Authorization' | 'Proxy-Authorization'; value: string; realm: string; nonce: string } {
  const proxy = challenge.status === 407;
  const name = proxy ? 'proxy-authenticate' : 'www-authenticate';
  const offers = challenge.headers.filter((h) => h.name.toLowerCase() === name).map((h) => parseAuthHeader(h.value)!);
  const wanted = opts.algorithm ?? 'MD5';
  const chosen = offers.find((o) => (o.params.algorithm ?? 'MD5').toUpperCase() === wanted) ?? offers[0];
  if (!chosen) throw new Error(`no challenge in ${challenge.status}`);
  const { realm, nonce } = chosen.params;
  const algorithm = (chosen.params.algorithm ?? 'MD5').toUpperCase() as DigestAlgorithm;
  const nc = opts.nc ?? '00000001';
  const cnonce = opts.cnonce ?? randomBytes(6).toString('hex');
  const ha1 = computeHa1(algorithm, user.ext, realm!, user.password);
  const response = computeDigestResponse({ algorithm, ha1, method: request.method, digestUri: request.uri, nonce: nonce!, qop: 'auth', nc, cnonce });
  return {
    header: proxy ? 'Proxy-Authorization' : 'Authorization',
    value: `Digest username="${user.ext}", realm="${realm}", nonce="${nonce}", uri="${request.uri}", response="${response}", algorithm=${algorithm}, cnonce="${cnonce}", qop=auth, nc=${nc}`,
    realm: realm!,
    nonce: nonce!,
  };
}

export class RawUa {
  /** Requests the PBX sent to this UA, in arrival order. */
  readonly received: SipRequest[] = [];
  /** Raw text of every datagram received. */
  readonly rawReceived: string[] = [];
  /** Answer INVITEs with 200 (true) or leave them ringing (false). */
  answerCalls = true;
  private readonly responses: SipResponse[] = [];
  private readonly waiters: Array<() => void> = [];
  private cseq = 1;

  private constructor(
    private readonly socket: dgram.Socket,
    readonly host: string,
    readonly port: number,
    readonly pbx: { host: string; port: number },
    readonly user: UaUser,
  ) {
    socket.on('message', (data) => this.onDatagram(data));
  }

  static async open(host: string, pbx: { host: string; port: number }, user: UaUser): Promise<RawUa> {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, host, resolve));
    return new RawUa(socket, host, socket.address().port, pbx, user);
  }

  get aor(): string {
    return `sip:${this.user.ext}@${this.user.domain}`;
  }

  contact(): string {
    return `<sip:${this.user.ext}@${this.host}:${this.port}>`;
  }

  /** Sends text as it is (replays, forgeries). */
  sendRaw(text: string, to = this.pbx): void {
    this.socket.send(Buffer.from(text), to.port, to.host);
  }

  /** REGISTER, answering the 401 (RFC 3261 §10.2). */
  register(opts: { contact?: string; expires?: number; callId?: string; authenticate?: boolean; headers?: Array<[string, string]>; timeoutMs?: number } = {}): Promise<Exchange> {
    return this.request({
      method: 'REGISTER',
      uri: `sip:${this.user.domain}`,
      to: `<${this.aor}>`,
      ...(opts.callId ? { callId: opts.callId } : {}),
      ...(opts.authenticate === false ? { authenticate: false } : {}),
      ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
      headers: [['Contact', opts.contact ?? this.contact()], ['Expires', String(opts.expires ?? 300)], ...(opts.headers ?? [])],
    });
  }

  /** Places a request and waits for its final response, answering one challenge; ACKs INVITE finals. */
  async request(spec: RequestSpec): Promise<Exchange> {
    const callId = spec.callId ?? `ua-${randomBytes(6).toString('hex')}@${this.host}`;
    const fromTag = spec.fromTag ?? newTag();
    const exchange: Exchange = { final: undefined, sent: [], responses: [] };
    let cseq = spec.cseq ?? this.cseq++;
    let auth: { header: string; value: string } | undefined;
    for (let round = 0; round < 2; round++) {
      const branch = `z9hG4bK-${randomBytes(6).toString('hex')}`;
      const text = this.format(spec, { callId, fromTag, cseq, branch, auth });
      exchange.sent.push(text);
      this.sendRaw(text);
      const final = await this.finalFor(callId, cseq, spec.method, spec.timeoutMs ?? 5000, exchange);
      if (final && spec.method === 'INVITE') this.ack(text, final);
      if (!final || (final.status !== 401 && final.status !== 407) || spec.authenticate === false || round === 1) {
        exchange.final = final;
        return exchange;
      }
      const d = digestFor(final, this.user, { method: spec.method, uri: spec.uri });
      auth = { header: d.header, value: d.value };
      cseq += 1;
      this.cseq = Math.max(this.cseq, cseq + 1);
    }
    return exchange;
  }

  /** The next request the PBX sends this UA of `method` (waits up to timeoutMs). */
  async nextRequest(method: string, timeoutMs = 5000, after = 0): Promise<SipRequest | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.slice(after).find((r) => r.method === method);
      if (found) return found;
      if (Date.now() >= deadline) return undefined;
      await this.waitForDatagram(deadline - Date.now());
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }

  private format(spec: RequestSpec, p: { callId: string; fromTag: string; cseq: number; branch: string; auth?: { header: string; value: string } }): string {
    const body = spec.body ?? (spec.method === 'INVITE' ? SDP(this.host) : '');
    const lines = [
      `${spec.method} ${spec.uri} SIP/2.0`,
      `Via: SIP/2.0/UDP ${this.host}:${this.port};branch=${p.branch};rport`,
      'Max-Forwards: 70',
      `From: <${this.aor}>;tag=${p.fromTag}`,
      `To: ${spec.to ?? `<${spec.uri}>`}${spec.toTag ? `;tag=${spec.toTag}` : ''}`,
      `Call-ID: ${p.callId}`,
      `CSeq: ${p.cseq} ${spec.method}`,
      ...(spec.method === 'INVITE' ? [`Contact: ${this.contact()}`] : []),
      ...(spec.headers ?? []).map(([n, v]) => `${n}: ${v}`),
      ...(p.auth ? [`${p.auth.header}: ${p.auth.value}`] : []),
      ...(body ? [`Content-Type: ${spec.contentType ?? (spec.method === 'INVITE' ? 'application/sdp' : 'text/plain')}`] : []),
      `Content-Length: ${Buffer.byteLength(body)}`,
      '',
      body,
    ];
    return lines.join('\r\n');
  }

  /** RFC 3261 §17.1.1.3: the ACK for a non-2xx final goes hop by hop (same branch); a 2xx's ACK is sent end to end too. */
  private ack(inviteText: string, final: SipResponse): void {
    if (final.status < 200) return;
    const invite = parseMessage(inviteText);
    if (!invite.ok || invite.message.kind !== 'request') return;
    const req = invite.message;
    const via = getHeader(req, 'Via')!;
    const to = getHeader(final, 'To') ?? getHeader(req, 'To')!;
    const cseq = getHeader(req, 'CSeq')!.split(/\s+/)[0];
    const routes = final.status < 300 ? final.headers.filter((h) => h.name.toLowerCase() === 'record-route').map((h) => h.value).reverse() : [];
    const lines = [
      `ACK ${req.uri} SIP/2.0`,
      final.status < 300 ? `Via: SIP/2.0/UDP ${this.host}:${this.port};branch=z9hG4bK-${randomBytes(6).toString('hex')};rport` : `Via: ${via}`,
      'Max-Forwards: 70',
      `From: ${getHeader(req, 'From')}`,
      `To: ${to}`,
      `Call-ID: ${getHeader(req, 'Call-ID')}`,
      `CSeq: ${cseq} ACK`,
      ...routes.map((r) => `Route: ${r}`),
      'Content-Length: 0',
      '',
      '',
    ];
    this.sendRaw(lines.join('\r\n'));
  }

  private async finalFor(callId: string, cseq: number, method: string, timeoutMs: number, exchange: Exchange): Promise<SipResponse | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.responses.findIndex((r) => getHeader(r, 'Call-ID') === callId && getHeader(r, 'CSeq') === `${cseq} ${method}`);
      if (i >= 0) {
        const res = this.responses.splice(i, 1)[0]!;
        exchange.responses.push(res);
        if (res.status >= 200) return res;
        continue;
      }
      if (Date.now() >= deadline) return undefined;
      await this.waitForDatagram(deadline - Date.now());
    }
  }

  private waitForDatagram(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, Math.max(1, ms));
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.waiters.push(done);
    });
  }

  private onDatagram(data: Buffer): void {
    const text = data.toString();
    this.rawReceived.push(text);
    const parsed = parseMessage(data);
    if (parsed.ok) {
      if (parsed.message.kind === 'response') this.responses.push(parsed.message);
      else this.answer(parsed.message);
    }
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** What a phone answers to what the PBX sends it. */
  private answer(req: SipRequest): void {
    this.received.push(req);
    if (req.method === 'ACK') return;
    const toTag = getHeader(req, 'To')?.includes('tag=') ? undefined : newTag();
    let res: SipResponse;
    if (req.method === 'INVITE' && !this.answerCalls) {
      res = createResponse(req, 180, 'Ringing', { toTag });
    } else if (req.method === 'INVITE') {
      res = createResponse(req, 200, 'OK', { toTag, headers: [{ name: 'Contact', value: this.contact() }, { name: 'Content-Type', value: 'application/sdp' }] });
      res.body = SDP(this.host);
    } else {
      res = createResponse(req, 200, 'OK', { toTag });
    }
    // RFC 3261 §12.1.1: a UAS copies the Record-Route of a dialog-creating request into its response.
    if (req.method === 'INVITE' || req.method === 'SUBSCRIBE' || req.method === 'REFER') {
      const recordRoutes = req.headers.filter((h) => h.name.toLowerCase() === 'record-route');
      res.headers.splice(res.headers.findIndex((h) => h.name === 'CSeq') + 1, 0, ...recordRoutes.map((h) => ({ name: 'Record-Route', value: h.value })));
    }
    this.sendReply(req, res);
  }

  /** Responses go back to the top Via's received/rport, as the PBX asked (RFC 3581). */
  private sendReply(req: SipRequest, res: SipResponse): void {
    const via = getHeader(req, 'Via') ?? '';
    const host = /received=([^;,\s]+)/.exec(via)?.[1] ?? /SIP\/2\.0\/UDP\s+([^:;\s]+)/i.exec(via)?.[1] ?? this.pbx.host;
    const port = Number(/rport=(\d+)/.exec(via)?.[1] ?? /SIP\/2\.0\/UDP\s+[^:;\s]+:(\d+)/i.exec(via)?.[1] ?? 5060);
    this.socket.send(Buffer.from(serializeMessage(res)), port, host);
  }
}
