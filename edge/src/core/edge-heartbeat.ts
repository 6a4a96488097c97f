import type { EdgeIdentity } from '../../../contracts/function-events.js';
import type { Invoker } from '../invoker/invoker.js';
import type { Logger } from '../logger.js';
import type { LocalAddresses } from '../proxy/local-addresses.js';

/** A heartbeat stays valid for this many periods, so one lost beat does not declare the edge dead. */
const TTL_PERIODS = 3;

/**
 * Tells the store this edge is alive and where other edges reach it. Calls,
 * call slots and flow bindings of an edge whose heartbeat lapsed are
 * reclaimed by the functions (that is the "lease" of everything an edge holds).
 */
export class EdgeHeartbeat {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly invoker: Invoker,
    private readonly identity: EdgeIdentity,
    private readonly addresses: LocalAddresses,
    private readonly logger: Logger,
    private readonly periodMs: number,
    /** Where other edges reach this one (a private address in the cloud); the advertised host by default. */
    private readonly peerHost?: string,
  ) {}

  async start(): Promise<void> {
    if (this.periodMs <= 0) return;
    await this.beat();
    this.timer = setInterval(() => void this.beat(), this.periodMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async beat(): Promise<void> {
    const port = this.addresses.port('udp');
    if (port === undefined) return;
    try {
      await this.invoker.invoke('edge-heartbeat', {
        type: 'edge-heartbeat',
        edge: this.identity,
        sip: { host: this.peerHost ?? this.addresses.host, port },
        ttlSeconds: Math.ceil((this.periodMs * TTL_PERIODS) / 1000),
      });
    } catch (err) {
      this.logger.warn({ err }, 'edge heartbeat failed');
    }
  }
}
