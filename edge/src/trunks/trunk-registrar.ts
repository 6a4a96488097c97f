/**
 * The edge's manager of external-line registrations: for every registering
 * trunk it tries to hold the lease (./trunk-lease), runs a registration only
 * while it holds it, renews leases periodically, and picks up trunks whose
 * lease lapsed because their edge died.
 */
import type { Clock } from '../transaction/index.js';
import { systemClock } from '../transaction/index.js';
import { trunkLeaseKey, type TrunkLeaseStore } from './trunk-lease.js';
import type { RegisteringTrunk } from './trunk-registration.js';

/** A registration restarts when any of these changed (the password is compared, never logged). */
function settingsOf(trunk: RegisteringTrunk & { regSameDialog?: unknown }): string {
  const { host, port, transport, username, authUser, password, domain, expires, outboundProxy, regSameDialog } = trunk;
  return JSON.stringify([host, port, transport, username, authUser, password, domain, expires, outboundProxy, regSameDialog]);
}

/** What the manager needs of a running registration (TrunkRegistration satisfies it). */
export interface RunningRegistration {
  start(): void;
  stop(opts?: { unregister?: boolean }): Promise<void>;
}

export interface TrunkRegistrarOptions<T extends RegisteringTrunk & { kind?: string }> {
  edgeId: string;
  leases: TrunkLeaseStore;
  /** Current trunks (from the store through a function); only kind 'register' are registered. */
  loadTrunks(): Promise<T[]>;
  createRegistration(trunk: T): RunningRegistration;
  /** Lease lifetime; another edge takes over at most this long after this one dies. Default 30 s. */
  leaseTtlMs?: number;
  /** How often leases are renewed and the trunk list re-read. Default a third of the TTL. */
  renewEveryMs?: number;
  clock?: Clock;
  /** Epoch ms (default Date.now), for the lease-lapse check. */
  now?: () => number;
  onError?(err: unknown): void;
}

export class TrunkRegistrar<T extends RegisteringTrunk & { kind?: string }> {
  private readonly running = new Map<string, RunningRegistration>();
  /** The trunk settings each running registration was started with: a changed line is registered anew. */
  private readonly startedWith = new Map<string, string>();
  /** When the leases were last renewed (a pass that completed): after a TTL without one, another edge may own the lines. */
  private lastRenewal = 0;
  private timer: unknown;
  private stopped = true;
  private readonly ttl: number;
  private readonly every: number;
  private readonly clock: Clock;
  private readonly now: () => number;

  constructor(private readonly options: TrunkRegistrarOptions<T>) {
    this.ttl = options.leaseTtlMs ?? 30_000;
    this.every = options.renewEveryMs ?? Math.floor(this.ttl / 3);
    this.clock = options.clock ?? systemClock;
    this.now = options.now ?? (() => Date.now());
  }

  /** Trunk keys this edge currently registers. */
  get registering(): string[] {
    return [...this.running.keys()];
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.tick();
  }

  /**
   * Stops every registration. releaseLeases=false leaves the leases to lapse,
   * as a crashed edge would (tests use it to show the takeover).
   */
  async stop(opts: { releaseLeases?: boolean; unregister?: boolean } = {}): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    const entries = [...this.running.entries()];
    this.running.clear();
    await Promise.all(
      entries.map(async ([key, reg]) => {
        await reg.stop({ unregister: opts.unregister });
        if (opts.releaseLeases !== false) await this.options.leases.release(key, this.options.edgeId);
      }),
    );
  }

  /**
   * The store could not be reached for a whole lease TTL: the leases may have
   * lapsed and another edge may register the same lines now. Two edges
   * registering one account fight over the carrier's binding, so this edge
   * stops (without unregistering: the other edge's binding is the same AOR).
   */
  private async standDownIfLeasesLapsed(): Promise<void> {
    const now = this.now();
    if (this.running.size === 0 || now - this.lastRenewal < this.ttl) return;
    const entries = [...this.running.values()];
    this.running.clear();
    this.startedWith.clear();
    await Promise.all(entries.map((reg) => reg.stop({ unregister: false })));
  }

  /** One pass: renew or take leases, start/stop registrations accordingly, then schedule the next pass. */
  async tick(): Promise<void> {
    try {
      const trunks = (await this.options.loadTrunks()).filter((t) => (t.kind ?? 'register') === 'register');
      if (this.stopped) return;
      const wanted = new Map(trunks.map((t) => [trunkLeaseKey(t), t]));
      for (const [key, reg] of this.running) {
        const trunk = wanted.get(key);
        if (trunk && this.startedWith.get(key) === settingsOf(trunk)) continue;
        // Trunk deleted or no longer registering: unregister and give the line up.
        // Settings changed (password, host …): unregister the old binding; the loop below starts anew.
        this.running.delete(key);
        this.startedWith.delete(key);
        await reg.stop();
        if (!trunk) await this.options.leases.release(key, this.options.edgeId);
      }
      for (const [key, trunk] of wanted) {
        const held = await this.options.leases.acquire(key, this.options.edgeId, this.ttl);
        if (this.stopped) return;
        const reg = this.running.get(key);
        if (held && !reg) {
          const created = this.options.createRegistration(trunk);
          this.running.set(key, created);
          this.startedWith.set(key, settingsOf(trunk));
          created.start();
        } else if (!held && reg) {
          // Another edge owns the line now: stop without unregistering its binding.
          this.running.delete(key);
          this.startedWith.delete(key);
          await reg.stop({ unregister: false });
        }
      }
      this.lastRenewal = this.now();
    } catch (err) {
      this.options.onError?.(err);
      await this.standDownIfLeasesLapsed();
    } finally {
      if (!this.stopped) this.timer = this.clock.setTimeout(() => void this.tick(), this.every);
    }
  }
}
