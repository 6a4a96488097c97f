import type { EdgeIdentity } from '../../../contracts/function-events.js';
import type { EventBus } from '../../../contracts/bus/event-bus.js';
import type { Invoker } from '../invoker/invoker.js';
import type { Logger } from '../logger.js';
import type { TransactionLayer } from '../transaction/index.js';
import type { TransportLayer } from '../transport/transport-layer.js';
import type { CallRegistry } from './call-registry.js';
import type { LocalAddresses } from './local-addresses.js';

/** What the proxy core needs from the edge; one per edge. */
export interface ProxyContext {
  identity: EdgeIdentity;
  /** Signs and verifies hop tokens; shared by every edge of a deployment. */
  secret: string;
  addresses: LocalAddresses;
  transactions: TransactionLayer;
  transport: TransportLayer;
  invoker: Invoker;
  bus: EventBus;
  logger: Logger;
  calls: CallRegistry;
  /** RFC 3261 §16.8 Timer C: a branch with no final response after this is cancelled (> 3 min by the RFC). */
  timerCMs: number;
}

/** What Record-Route and Route values need: this edge's name and addresses, and the secret that signs hop tokens. */
export type RouteSigning = Pick<ProxyContext, 'identity' | 'secret' | 'addresses'>;

/** What forwarding a request on its own client transaction needs. */
export type Forwarding = Pick<ProxyContext, 'addresses' | 'transactions' | 'logger'>;
