/**
 * An outbound trunk call: one leg at a time, in failover order, on the
 * forking proxy (forking-proxy.ts). The next leg is tried when a carrier
 * fails before ringing (5xx, 408, no answer, a challenge the trunk account
 * cannot answer, trunk-failover.ts) or its trunk is full; when none is left
 * the caller gets 503 (RFC 3261 §21.5.4). A carrier's 401/407 is answered
 * once with the trunk's credentials and the next CSeq (§22.2, §8.1.3.5;
 * trunk-leg-request.ts keeps the caller's dialog intact).
 */
import type { TrunkLeg } from '../../../contracts/function-events.js';
import type { SipRequest, SipResponse } from '../../../sip/message.js';
import { answerDigestChallenge, challengedRealms } from '../trunks/digest-answer.js';
import type { CallAccounting } from './call-accounting.js';
import type { BranchHooks, InviteForkingProxy } from './forking-proxy.js';
import type { ProxyContext } from './proxy-context.js';
import { isFailover, resolveLegDestination, TRUNKS_EXHAUSTED } from './trunk-failover.js';
import { toCallerView, trunkLegRequest } from './trunk-leg-request.js';

export class TrunkLegSequence {
  private next = 0;
  /** Why the last leg failed over (the reason phrase when none is left). */
  private lastFailure = TRUNKS_EXHAUSTED;

  constructor(
    private readonly ctx: Pick<ProxyContext, 'identity' | 'hops' | 'addresses' | 'logger'>,
    private readonly proxy: InviteForkingProxy,
    private readonly legs: TrunkLeg[],
    private readonly accounting: CallAccounting,
  ) {}

  start(): void {
    void this.tryNextLeg();
  }

  private async tryNextLeg(): Promise<void> {
    const { proxy } = this;
    while (this.next < this.legs.length) {
      const leg = this.legs[this.next++]!;
      if (proxy.cancelledByCaller) break;
      if (!leg.admitted && !(await this.accounting.takeTrunkSlot(leg))) continue;
      this.accounting.usingTrunk(leg.trunkId);
      if (proxy.cancelledByCaller) break;
      const destination = await resolveLegDestination(leg);
      if (proxy.cancelledByCaller) break;
      if (!destination) {
        this.ctx.logger.warn({ trunkId: leg.trunkId }, 'trunk host does not resolve');
        this.accounting.releaseTrunkSlots();
        continue;
      }
      const request = trunkLegRequest(this.ctx, proxy.request, proxy.source, proxy.callerTag, { leg, destination, cseqOffset: 0 });
      // Carriers speak plain RTP (RFC 3551): a browser's call out is anchored.
      proxy.fork({ requestUri: leg.requestUri, destination, profile: 'plain' }, this.hooksFor(leg, destination), request);
      return;
    }
    if (!proxy.proceeding) return;
    if (proxy.cancelledByCaller) {
      this.accounting.releaseTrunkSlots();
      proxy.finishWith(487, 'Request Terminated', 'cancelled');
      return;
    }
    proxy.finishWith(503, this.lastFailure, 'failed');
  }

  private hooksFor(leg: TrunkLeg, destination: Parameters<typeof trunkLegRequest>[4]['destination']): BranchHooks {
    let authAnswered = false;
    return {
      // A second challenge means the credentials are wrong (§22.2): it is the leg's final answer.
      answerChallenge: (res: SipResponse, sent: SipRequest) => {
        if (authAnswered || !leg.credentials) return undefined;
        const credentials = answerDigestChallenge(res, leg.credentials, { method: 'INVITE', uri: sent.uri });
        if (!credentials) {
          // Not the trunk's realm (or no digest we speak): refused like wrong credentials, never answered.
          this.ctx.logger.warn(
            { callId: this.proxy.callId, trunkId: leg.trunkId, challengedRealms: challengedRealms(res), trunkRealm: leg.credentials.realm },
            'carrier challenge not answered: realm is not the trunk\'s',
          );
          return undefined;
        }
        authAnswered = true;
        return trunkLegRequest(this.ctx, this.proxy.request, this.proxy.source, this.proxy.callerTag, { leg, destination, cseqOffset: 1, credentials });
      },
      takeOverFinal: (res, provisionalSeen) => {
        const failover = isFailover(res, provisionalSeen);
        if (!failover) return false;
        this.lastFailure = failover;
        this.accounting.releaseTrunkSlots();
        void this.tryNextLeg();
        return true;
      },
      toCaller: (res) => toCallerView(res, this.proxy.request),
    };
  }
}
