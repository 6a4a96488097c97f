import { isActive, type Ban } from '../../../contracts/fail-to-ban/ban.js';
import type { BanStore } from '../../../functions/src/fail-to-ban/ban-repository.js';

/** The BanStore contract in memory, for the pure fail-to-ban logic; `fail` makes every call reject (a store outage). */
export class MemoryBanStore implements BanStore {
  readonly bans = new Map<string, Ban>();
  readonly failures = new Map<string, number[]>();
  fail = false;

  private check(): void {
    if (this.fail) throw new Error('store unavailable');
  }

  async listBans(now: number, options: { includeExpired?: boolean } = {}): Promise<Ban[]> {
    this.check();
    return [...this.bans.values()].filter((b) => options.includeExpired || isActive(b, now)).sort((a, b) => a.since - b.since);
  }
  async getBan(address: string): Promise<Ban | undefined> {
    this.check();
    return this.bans.get(address);
  }
  async addBan(ban: Ban, now: number): Promise<boolean> {
    this.check();
    const existing = this.bans.get(ban.address);
    if (existing && isActive(existing, now)) return false;
    this.bans.set(ban.address, ban);
    return true;
  }
  async deleteBan(address: string): Promise<Ban | undefined> {
    this.check();
    const ban = this.bans.get(address);
    this.bans.delete(address);
    return ban;
  }
  async appendFailure(address: string, at: number): Promise<number[]> {
    this.check();
    const times = [...(this.failures.get(address) ?? []), at];
    this.failures.set(address, times);
    return times;
  }
  async trimFailures(address: string, keep: number[], expectedLength: number): Promise<void> {
    this.check();
    if ((this.failures.get(address) ?? []).length === expectedLength) this.failures.set(address, [...keep]);
  }
  async clearFailures(address: string): Promise<void> {
    this.check();
    this.failures.delete(address);
  }
}
