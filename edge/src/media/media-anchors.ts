/**
 * The edge's media bridge: one rtpengine (a child of `npm start`, or the
 * task's sidecar in the cloud), the calls anchored in it, and the reaper
 * that deletes sessions no call of this edge owns any more — left by an
 * edge process that died while its rtpengine lived on, or by a delete that
 * never arrived. rtpengine's own --timeout (no RTP for 60 s) is the last net.
 */
import { getHeader, tagOf } from '../../../sip/index.js';
import type { SipRequest } from '../../../sip/message.js';
import type { Source } from '../../../contracts/transport.js';
import type { Logger } from '../logger.js';
import { CallMedia, type MediaAnchorsView } from './call-media.js';
import { mediaProfileOf, profileOfTarget } from './media-plan.js';
import type { MediaControl } from './rtpengine-ng.js';
import { hasSdp } from './sdp-body.js';

export class MediaAnchors implements MediaAnchorsView {
  /** Anchored calls by Call-ID (several calls may share one, told apart by the caller's tag). */
  private readonly calls = new Map<string, Set<CallMedia>>();
  /** Sessions seen without a call at the last sweep: deleted when still so at the next (an offer may be in flight). */
  private suspects = new Set<string>();
  private timer?: NodeJS.Timeout;

  constructor(
    readonly control: MediaControl | undefined,
    readonly anchorAll: boolean,
    readonly logger: Logger,
  ) {}

  /** The media side of a new INVITE: the caller's profile from its offer, else (late offer) from how it reached us. */
  forInvite(invite: SipRequest, callerTag: string, source: Source): CallMedia {
    const offer = hasSdp(invite);
    const caller = (offer ? mediaProfileOf(invite.body) : undefined) ?? profileOfTarget(source.protocol);
    return new CallMedia(this, getHeader(invite, 'Call-ID') ?? '', callerTag, caller, !offer);
  }

  /** The anchored call an in-dialog request belongs to: its Call-ID, and the caller's tag as its From or its To tag. */
  forDialog(req: SipRequest): CallMedia | undefined {
    const calls = this.calls.get(getHeader(req, 'Call-ID') ?? '');
    if (!calls) return undefined;
    const [fromTag, toTag] = [tagOf(req, 'From'), tagOf(req, 'To')];
    for (const call of calls) if (call.callerTag === fromTag || call.callerTag === toTag) return call;
    return undefined;
  }

  track(call: CallMedia): void {
    const calls = this.calls.get(call.callId) ?? new Set();
    calls.add(call);
    this.calls.set(call.callId, calls);
  }

  untrack(call: CallMedia): void {
    const calls = this.calls.get(call.callId);
    if (calls?.delete(call) && calls.size === 0) this.calls.delete(call.callId);
  }

  get size(): number {
    let n = 0;
    for (const calls of this.calls.values()) n += calls.size;
    return n;
  }

  /** One reaper pass; returns the Call-IDs deleted. */
  async reap(): Promise<string[]> {
    if (!this.control) return [];
    const orphans = (await this.control.list()).filter((callId) => !this.calls.has(callId));
    const due = orphans.filter((callId) => this.suspects.has(callId));
    this.suspects = new Set(orphans.filter((callId) => !due.includes(callId)));
    for (const callId of due) await this.control.delete(callId);
    if (due.length > 0) this.logger.warn({ sessions: due.length }, 'media sessions without a call deleted');
    return due;
  }

  /** Reaps every `intervalMs` until stopped. */
  startReaper(intervalMs: number): void {
    if (!this.control || this.timer) return;
    this.timer = setInterval(() => {
      this.reap().catch((err: Error) => this.logger.warn({ err: err.message }, 'media reaper pass failed'));
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.control?.close();
  }
}
