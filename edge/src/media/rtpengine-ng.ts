/**
 * The edge's side of rtpengine's ng control protocol (bencoded dictionaries
 * over UDP), through the `rtpengine-client` package jambonz uses. Thin on
 * purpose: which flags to send is media-plan.ts's business, when to send
 * them call-media.ts's.
 */
import pkg from 'rtpengine-client';
import type { NgLegFlags } from './media-plan.js';

const { Client } = pkg;

/** rtpengine said no, or did not answer: the call that needed it fails with 488 (media-plan.ts NO_BRIDGE). */
export class MediaBridgeError extends Error {
  override name = 'MediaBridgeError';
}

/** One leg of one call in rtpengine's terms: a call is its Call-ID, a side its tag, a fork its via-branch. */
export interface NgLeg {
  callId: string;
  fromTag: string;
  toTag?: string;
  /** Tells the forks of one INVITE apart (RFC 3261 §16.6: one offer per branch). */
  viaBranch?: string;
}

/** What the edge asks of rtpengine; an interface so the proxy's tests can see the calls without a daemon. */
export interface MediaControl {
  /** The offer's SDP as the other side must see it. */
  offer(leg: NgLeg, sdp: string, flags: NgLegFlags): Promise<string>;
  /** The answer's SDP as the offerer must see it. */
  answer(leg: NgLeg, sdp: string, flags: NgLegFlags): Promise<string>;
  /** Frees the call's ports: every branch and tag of it when no tag is given, one fork's when its via-branch is. */
  delete(callId: string, fromTag?: string, viaBranch?: string): Promise<void>;
  /** Call-IDs rtpengine holds now (the reaper compares them with this edge's calls). */
  list(): Promise<string[]>;
  ping(): Promise<void>;
  close(): void;
}

/** ng over UDP to one rtpengine. */
export class RtpengineNg implements MediaControl {
  private readonly client: InstanceType<typeof Client>;

  constructor(
    private readonly host: string,
    private readonly port: number,
    timeoutMs = 2_000,
  ) {
    this.client = new Client({ localAddress: host.includes(':') ? '::' : '0.0.0.0', timeout: timeoutMs });
    // A stray or late datagram is reported as an 'error' event; without a listener it would end the process.
    this.client.on('error', () => undefined);
  }

  async offer(leg: NgLeg, sdp: string, flags: NgLegFlags): Promise<string> {
    return this.sdpOf(await this.command('offer', { ...ngLeg(leg), sdp, ...flags }));
  }

  async answer(leg: NgLeg, sdp: string, flags: NgLegFlags): Promise<string> {
    return this.sdpOf(await this.command('answer', { ...ngLeg(leg), sdp, ...flags }));
  }

  async delete(callId: string, fromTag?: string, viaBranch?: string): Promise<void> {
    const params = { 'call-id': callId, ...(fromTag ? { 'from-tag': fromTag } : {}), ...(viaBranch ? { 'via-branch': viaBranch } : {}) };
    // A call rtpengine no longer knows (its own timeout took it) is already what we want.
    await this.command('delete', params).catch((err: Error) => {
      if (!/unknown call/i.test(err.message)) throw err;
    });
  }

  async list(): Promise<string[]> {
    const reply = await this.command('list', { limit: 100_000 });
    return Array.isArray(reply.calls) ? reply.calls.map(String) : [];
  }

  async ping(): Promise<void> {
    await this.command('ping', {});
  }

  close(): void {
    this.client.close();
  }

  private async command(name: 'offer' | 'answer' | 'delete' | 'list' | 'ping', params: Record<string, unknown>) {
    let reply;
    try {
      reply = name === 'ping' ? await this.client.ping(this.port, this.host) : await this.client[name](this.port, this.host, params);
    } catch (err) {
      throw new MediaBridgeError(`rtpengine at ${this.host}:${this.port} did not answer ${name}: ${String((err as Error)?.message ?? err)}`);
    }
    if (reply.result === 'error') throw new MediaBridgeError(`rtpengine refused ${name}: ${reply['error-reason'] ?? 'no reason'}`);
    return reply;
  }

  private sdpOf(reply: { sdp?: string }): string {
    if (typeof reply.sdp !== 'string' || !reply.sdp) throw new MediaBridgeError('rtpengine returned no SDP');
    return reply.sdp;
  }
}

function ngLeg(leg: NgLeg): Record<string, string> {
  return {
    'call-id': leg.callId,
    'from-tag': leg.fromTag,
    ...(leg.toTag ? { 'to-tag': leg.toTag } : {}),
    ...(leg.viaBranch ? { 'via-branch': leg.viaBranch } : {}),
  };
}
