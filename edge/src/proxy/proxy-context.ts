import type { EdgeIdentity } from '../../../contracts/function-events.js';
import type { EventBus } from '../../../contracts/bus/event-bus.js';
import type { Invoker } from '../invoker/invoker.js';
import type { Logger } from '../logger.js';
import type { MediaAnchors } from '../media/media-anchors.js';
import type { TransactionLayer } from '../transaction/index.js';
import type { TransportLayer } from '../transport/transport-layer.js';
import type { CallRegistry } from './call-registry.js';
import type { LocalAddresses } from './local-addresses.js';
import type { OwnCredentials } from './own-credentials.js';
import type { HopTokens } from './hop-token.js';
import type { ReleaseBatcher } from './release-batcher.js';
import type { SlotAudit } from './slot-audit.js';

/** What the proxy core needs from the edge; one per edge. */
export interface ProxyContext {
  identity: EdgeIdentity;
  /** The deployment's shared secret (digest nonces; hop tokens are sealed with a key derived from it). */
  secret: string;
  /** Seals and opens the hop tokens of our Record-Route and Route values (hop-token.ts). */
  hops: HopTokens;
  addresses: LocalAddresses;
  transactions: TransactionLayer;
  transport: TransportLayer;
  invoker: Invoker;
  /** Ended calls' slots, given back several calls per release-call (release-batcher.ts). */
  releases: ReleaseBatcher;
  /** The calls holding trunk and call slots, audited against the store's (slot-audit.ts). */
  slotAudit: SlotAudit;
  bus: EventBus;
  logger: Logger;
  calls: CallRegistry;
  /** Our realms' credentials, consumed here and never forwarded (RFC 3261 §22.3). */
  credentials: OwnCredentials;
  /** The media bridge (rtpengine) for calls whose legs differ in media profile; absent = none is configured, such calls get 488. */
  media?: MediaAnchors;
  /**
   * Told, per call, how long the edge itself held its set-up (issue 14's
   * "added latency INVITE to 180"): from the INVITE's arrival to its first
   * branch going out, plus from the first 180/183's arrival to its relay.
   */
  observeAddedLatency?: (seconds: number) => void;
  /** RFC 3261 §16.8 Timer C: a branch with no final response after this is cancelled (> 3 min by the RFC). */
  timerCMs: number;
  /** RFC 3261 §13.3.1.4: an answered call whose 2xx no ACK confirms within this is over (its accounting ends). */
  ackWaitMs: number;
}

/** What Record-Route and Route values need: this edge's name and addresses, and the secret that signs hop tokens. */
export type RouteSigning = Pick<ProxyContext, 'identity' | 'hops' | 'addresses'>;

/** What forwarding a request on its own client transaction needs. */
export type Forwarding = Pick<ProxyContext, 'addresses' | 'transactions' | 'logger' | 'credentials'>;
