/**
 * The calls this edge owns while they last, from the events it publishes for
 * their CDRs (call.attempt … call.end, edge/src/proxy/call-events.ts): the
 * source of `nimbus_active_calls`. A call is counted only while the call
 * registry still holds it, so a call whose end was never published (it can
 * not happen, but a gauge must not drift for ever if it did) stops counting
 * when the proxy lets go of it. Pure.
 */
import type { PbxEvent } from '../../../contracts/bus/pbx-event.js';

export class ActiveCallBook {
  private readonly calls = new Map<string, string>();

  observe(event: PbxEvent): void {
    const callId = event.detail.callId;
    if (typeof callId !== 'string') return;
    if (event.detailType === 'call.attempt') this.calls.set(callId, String(event.detail.direction ?? 'internal'));
    else if (event.detailType === 'call.end') this.calls.delete(callId);
  }

  /** Calls in progress, by direction; `stillProxied` is the call registry's view. */
  active(stillProxied: (callId: string) => boolean): Array<{ direction: string }> {
    const out: Array<{ direction: string }> = [];
    for (const [callId, direction] of this.calls) {
      if (stillProxied(callId)) out.push({ direction });
      else this.calls.delete(callId);
    }
    return out;
  }
}
