/**
 * Keeps the gate's ban cache in step with the store, both ways at once:
 *
 * - events: ban.added / ban.lifted on the in-process bus reach the cache at
 *   once (the local stack, where functions run in this process);
 * - polling: every `pollMs` one Query of the BANS partition (and one Get of
 *   the system settings, for the whitelist) — how every other edge sharing
 *   the store learns of a ban within a poll interval, and the only path in
 *   the cloud, where events go to EventBridge.
 *
 * A failed poll keeps the last known bans (fail closed for banned addresses,
 * open for everyone else) and is retried at the next tick.
 */
import type { Ban } from '../../../contracts/fail-to-ban/ban.js';
import { banFromEvent } from '../../../contracts/fail-to-ban/ban.js';
import type { F2bSettings } from '../../../contracts/fail-to-ban/f2b-settings.js';
import type { InProcessBus } from '../../../contracts/bus/in-process-bus.js';
import type { Logger } from '../logger.js';
import type { SecurityGate } from './security-gate.js';

export interface BanWatcherOptions {
  gate: SecurityGate;
  bans: { listBans(now: number): Promise<Ban[]> };
  settings: { getF2bSettings(): Promise<F2bSettings> };
  /** The in-process bus, when functions run in this process. */
  bus?: Pick<InProcessBus, 'subscribe'>;
  pollMs: number;
  logger: Logger;
  now?: () => number;
}

export class BanWatcher {
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private polling?: Promise<void>;
  private failing = false;

  constructor(private readonly options: BanWatcherOptions) {}

  /** Loads the bans once (a store that does not answer yet is retried by the poll), then polls and listens. */
  async start(): Promise<void> {
    const { bus, gate } = this.options;
    bus?.subscribe({ detailType: ['ban.added', 'ban.lifted'] }, async (event) => {
      if (this.stopped) return; // the in-process bus has no unsubscribe
      if (event.detailType === 'ban.added') {
        const ban = banFromEvent(event);
        if (ban) gate.banAdded(ban);
      } else if (typeof event.detail.address === 'string') {
        gate.banLifted(event.detail.address);
      }
    });
    await this.poll();
    this.schedule();
  }

  stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    return this.polling ?? Promise.resolve();
  }

  /** One refresh from the store (also for tests that do not want to wait for the timer). */
  poll(): Promise<void> {
    this.polling ??= this.refresh().finally(() => {
      this.polling = undefined;
    });
    return this.polling;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.poll().finally(() => this.schedule());
    }, this.options.pollMs);
    this.timer.unref();
  }

  private async refresh(): Promise<void> {
    const { gate, logger } = this.options;
    const now = this.options.now ?? Date.now;
    const takenAt = now();
    try {
      const [bans, settings] = await Promise.all([this.options.bans.listBans(takenAt), this.options.settings.getF2bSettings()]);
      if (this.stopped) return;
      gate.setF2bSettings(settings);
      gate.applySnapshot(bans, takenAt);
      if (this.failing) logger.info('ban list readable again');
      this.failing = false;
    } catch (err) {
      if (!this.failing) logger.warn({ err }, 'cannot read the ban list; keeping the last known bans');
      this.failing = true;
    }
  }
}
