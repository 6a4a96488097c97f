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
  onError?(err: unknown): void;
}

export class TrunkRegistrar<T extends RegisteringTrunk & { kind?: string }> {
  private readonly running = new Map<string, RunningRegistration>();
  private timer: unknown;
  private stopped = true;
  private readonly ttl: number;
  private readonly every: number;
  private readonly clock: Clock;

  constructor(private readonly options: TrunkRegistrarOptions<T>) {
    this.ttl = options.leaseTtlMs ?? 30_000;
    this.every = options.renewEveryMs ?? Math.floor(this.ttl / 3);
    this.clock = options.clock ?? systemClock;
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

  /** One pass: renew or take leases, start/stop registrations accordingly, then schedule the next pass. */
  async tick(): Promise<void> {
    try {
      const trunks = (await this.options.loadTrunks()).filter((t) => (t.kind ?? 'register') === 'register');
      if (this.stopped) return;
      const wanted = new Map(trunks.map((t) => [trunkLeaseKey(t), t]));
      for (const [key, reg] of this.running) {
        if (wanted.has(key)) continue;
        this.running.delete(key); // trunk deleted or no longer registering
        await reg.stop();
        await this.options.leases.release(key, this.options.edgeId);
      }
      for (const [key, trunk] of wanted) {
        const held = await this.options.leases.acquire(key, this.options.edgeId, this.ttl);
        if (this.stopped) return;
        const reg = this.running.get(key);
        if (held && !reg) {
          const created = this.options.createRegistration(trunk);
          this.running.set(key, created);
          created.start();
        } else if (!held && reg) {
          // Another edge owns the line now: stop without unregistering its binding.
          this.running.delete(key);
          await reg.stop({ unregister: false });
        }
      }
    } catch (err) {
      this.options.onError?.(err);
    } finally {
      if (!this.stopped) this.timer = this.clock.setTimeout(() => void this.tick(), this.every);
    }
  }
}
