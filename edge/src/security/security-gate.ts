/**
 * The edge's front door, in the order Kamailio's default config applies its
 * policies (sanity and flood checks before anything that costs):
 *
 *   admitConnection / admitUpgrade  — banned? too many connections? (TCP, TLS, WebSocket)
 *   dropBanned, floodControl        — banned? flooding (pike)?       (every message, every transport)
 *
 * All checks are local map lookups: no function runs and no store is read
 * for a banned or flooding address. Whitelisted addresses (fail-to-ban's
 * system whitelist) pass every check. The bans come from the store and the
 * bus through ban-watcher.ts, and from the edge's own count of the failed
 * authentications it relays (noteAuthFailure: the same rule as the
 * functions', so this edge stops a cracker at once, before the store's ban
 * reaches it).
 */
import type { IncomingMessage } from 'node:http';
import { AddressSet, normalizeAddress } from '../../../contracts/fail-to-ban/address-set.js';
import { DEFAULT_F2B_SETTINGS, type F2bSettings } from '../../../contracts/fail-to-ban/f2b-settings.js';
import { failuresWithin } from '../../../contracts/fail-to-ban/failure-window.js';
import type { Logger } from '../logger.js';
import type { Source } from '../../../contracts/transport.js';
import { BanCache, type BanEntry } from './ban-cache.js';
import { clientAddress } from './client-address.js';
import { ConnectionCounter } from './connection-counter.js';
import { PikeLimiter } from './pike-limiter.js';
import type { SecuritySettings } from '../../../contracts/settings/edge-settings.js';

/** What the gate needs from the transports: closing every flow of a newly banned address. */
export interface FlowCloser {
  closeByAddress(address: string, reason: string): number;
}

export type UpgradeAdmission =
  | { admitted: true; address: string }
  | { admitted: false; address: string; reason: 'banned' | 'too-many-connections' };

/** Upper bound of addresses whose recent failures the edge remembers (the store keeps the authoritative count). */
const MAX_TRACKED_FAILURES = 100_000;

export interface GateCounters {
  droppedBanned: number;
  droppedFlooding: number;
  refusedConnections: number;
}

export class SecurityGate {
  readonly bans = new BanCache();
  readonly counters: GateCounters = { droppedBanned: 0, droppedFlooding: 0, refusedConnections: 0 };
  private readonly pike: PikeLimiter;
  private readonly connections = new ConnectionCounter();
  private readonly trustedProxies: AddressSet;
  private whitelist = new AddressSet([]);
  private f2b: F2bSettings = { ...DEFAULT_F2B_SETTINGS, whitelist: [] };
  /** Recent failed authentications per address, as relayed by this edge. */
  private readonly failures = new Map<string, number[]>();
  private flows?: FlowCloser;

  constructor(
    readonly settings: SecuritySettings,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.trustedProxies = new AddressSet(settings.trustedProxies);
    this.pike = new PikeLimiter({
      requests: settings.pike.requests,
      windowMs: settings.pike.windowSeconds * 1000,
      blockMs: settings.pike.blockSeconds * 1000,
    });
  }

  get headerTimeoutMs(): number {
    return this.settings.headerTimeoutSeconds * 1000;
  }

  get handshakeTimeoutMs(): number {
    return this.settings.handshakeTimeoutSeconds * 1000;
  }

  /** The transport layer registers its flows, so a new ban closes the banned address's connections. */
  attachFlows(flows: FlowCloser): void {
    this.flows = flows;
  }

  /** Fail-to-ban's system settings; its whitelist is never dropped, throttled or capped. */
  setF2bSettings(settings: F2bSettings): void {
    this.f2b = settings;
    if (settings.whitelist.join(',') === this.whitelist.entries.join(',')) return;
    try {
      this.whitelist = new AddressSet(settings.whitelist);
    } catch (err) {
      this.logger.warn({ err }, 'ignoring an invalid fail-to-ban whitelist');
    }
  }

  /**
   * A function answered a request from `address` with a failed
   * authentication. Counted here too, with the functions' rule, so that the
   * edge that relays the guesses bans at once — the store's ban (written by
   * the function, announced on the bus, polled by every edge) follows.
   */
  noteAuthFailure(address: string): void {
    const a = normalizeAddress(address);
    if (!this.f2b.enabled || this.whitelist.has(a)) return;
    const now = this.now();
    if (!this.failures.has(a) && this.failures.size >= MAX_TRACKED_FAILURES) this.pruneFailures(now);
    const window = failuresWithin([...(this.failures.get(a) ?? []), now], now, this.f2b);
    if (!window.reached) {
      this.failures.set(a, window.times);
      return;
    }
    this.failures.delete(a);
    this.banAdded({ address: a, until: now + this.f2b.banSeconds * 1000 }, now);
  }

  private pruneFailures(now: number): void {
    const oldest = now - this.f2b.windowSeconds * 1000;
    for (const [address, times] of this.failures) if ((times.at(-1) ?? 0) <= oldest) this.failures.delete(address);
    for (const address of this.failures.keys()) {
      if (this.failures.size < MAX_TRACKED_FAILURES) break;
      this.failures.delete(address);
    }
  }

  isWhitelisted(address: string): boolean {
    return this.whitelist.has(address);
  }

  /** Banned (and not whitelisted) now. */
  isBanned(address: string): boolean {
    const a = normalizeAddress(address);
    return !this.whitelist.has(a) && this.bans.isBanned(a, this.now());
  }

  /** Every received message, before parsing. False = drop it (and, for a banned address, its connection). */
  admitMessage(source: Source): boolean {
    return !this.dropBanned(source) && !this.floodControl(source);
  }

  /** First policy of every message: true = the source is banned, drop it (and close its connection). */
  dropBanned(source: Source): boolean {
    const address = normalizeAddress(source.address);
    if (this.whitelist.has(address) || !this.bans.isBanned(address, this.now())) return false;
    this.counters.droppedBanned++;
    if (source.flowId) this.flows?.closeByAddress(address, 'banned');
    return true;
  }

  /** Second policy (Kamailio pike): true = the source sends too much, drop it for a while. */
  floodControl(source: Source): boolean {
    const address = normalizeAddress(source.address);
    if (this.whitelist.has(address)) return false;
    const verdict = this.pike.check(address, this.now());
    if (verdict === 'ok') return false;
    this.counters.droppedFlooding++;
    if (verdict === 'throttled') {
      this.logger.warn({ address, limit: this.settings.pike }, 'flood: dropping everything from this address for a while');
    }
    return true;
  }

  /** A new TCP/TLS connection; when admitted, call releaseConnection once it closes. */
  admitConnection(peer: string): boolean {
    return this.admitAddress(normalizeAddress(peer)) === undefined;
  }

  releaseConnection(address: string): void {
    this.connections.close(normalizeAddress(address));
  }

  /**
   * A connection to the HTTP port (WebSocket upgrades, softphone, health):
   * refused when its peer is banned. A trusted proxy is never refused here;
   * its clients are judged one by one at the upgrade.
   */
  admitHttpConnection(peer: string): boolean {
    const address = normalizeAddress(peer);
    if (this.trustedProxies.has(address) || this.whitelist.has(address)) return true;
    if (!this.bans.isBanned(address, this.now())) return true;
    this.counters.droppedBanned++;
    return false;
  }

  /**
   * A WebSocket upgrade (RFC 7118 §4): judged by the client address
   * (X-Forwarded-For from a trusted proxy, else the peer). When admitted,
   * call releaseConnection(address) once the connection closes.
   */
  admitUpgrade(req: Pick<IncomingMessage, 'headers' | 'socket'>): UpgradeAdmission {
    const address = clientAddress(req.socket.remoteAddress ?? '', req.headers['x-forwarded-for'], this.trustedProxies);
    const refused = this.admitAddress(address);
    return refused ? { admitted: false, address, reason: refused } : { admitted: true, address };
  }

  private admitAddress(address: string): 'banned' | 'too-many-connections' | undefined {
    if (this.whitelist.has(address)) {
      this.connections.openUnlimited(address);
      return undefined;
    }
    if (this.bans.isBanned(address, this.now())) {
      this.counters.refusedConnections++;
      return 'banned';
    }
    if (!this.connections.tryOpen(address, this.settings.maxConnectionsPerAddress)) {
      this.counters.refusedConnections++;
      this.logger.debug({ address, max: this.settings.maxConnectionsPerAddress }, 'connection refused: too many from this address');
      return 'too-many-connections';
    }
    return undefined;
  }

  openConnections(address?: string): number {
    return address === undefined ? this.connections.total : this.connections.count(normalizeAddress(address));
  }

  isThrottled(address: string): boolean {
    return this.pike.isThrottled(normalizeAddress(address), this.now());
  }

  /** A ban.added event (or a ban found by a poll): drop the address from now on and close its connections. */
  banAdded(entry: BanEntry, at = this.now()): void {
    const address = normalizeAddress(entry.address);
    if (this.bans.add({ address, until: entry.until }, at)) this.onBanned(address, entry.until);
  }

  banLifted(address: string, at = this.now()): void {
    if (this.bans.lift(normalizeAddress(address), at)) this.logger.info({ address }, 'ban lifted');
  }

  /** A poll of the store that started at `takenAt`. */
  applySnapshot(entries: readonly BanEntry[], takenAt: number): void {
    const normalized = entries.map((e) => ({ address: normalizeAddress(e.address), until: e.until }));
    for (const address of this.bans.replace(normalized, takenAt, this.now())) {
      this.onBanned(address, normalized.find((e) => e.address === address)?.until);
    }
  }

  private onBanned(address: string, until: number | undefined): void {
    if (this.whitelist.has(address)) return;
    const closed = this.flows?.closeByAddress(address, 'banned') ?? 0;
    this.logger.warn({ address, until: until === undefined ? undefined : new Date(until).toISOString(), closedConnections: closed }, 'address banned: dropping everything it sends');
  }
}
