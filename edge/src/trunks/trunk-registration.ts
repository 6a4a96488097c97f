/**
 * Keeps one trunk registered at its carrier (RFC 3261 §10.2): initial
 * REGISTER, one digest answer per attempt (§22.2), refresh before expiry
 * (§10.2.4), backoff on failure honouring Retry-After (§20.33), and an
 * online/offline status reported on every change. gVarSipRegSameDialog
 * decides whether Call-ID/CSeq carry over between REGISTERs (./register-request).
 *
 * I/O comes in through `send` and `clock`, so the same machine runs against a
 * real carrier (SIPp) and under fake timers.
 */
import { getHeader } from '../../../sip/index.js';
import { trunkRealmOf, type Trunk } from '../../../contracts/trunk.js';
import type { TrunkStatusChange } from '../../../contracts/bus/trunk-status-event.js';
import type { Clock } from '../transaction/index.js';
import { systemClock } from '../transaction/index.js';
import type { Destination } from '../../../contracts/transport.js';
import { answerDigestChallenge, challengedRealms } from './digest-answer.js';
import {
  buildRegister,
  nextRegistrationDialog,
  randomIds,
  registerContactUri,
  type IdSource,
  type LocalContact,
  type RegSameDialog,
  type RegistrationDialog,
} from './register-request.js';
import { backoffDelayMs, grantedExpires, refreshDelayMs, retryAfterMs } from './registration-timing.js';
import type { RegistrationOutcome, RegistrationSend } from './transaction-sender.js';

export type TrunkLineStatus = TrunkStatusChange['status'];

/** What the wiring publishes as the 'trunk.status' event (contracts/bus/trunk-status-event.ts). */
export type { TrunkStatusChange };

export interface RegistrationClock extends Clock {
  now(): number;
}

export const systemRegistrationClock: RegistrationClock = { ...systemClock, now: () => Date.now() };

export type RegisteringTrunk = Pick<
  Trunk,
  'tenantId' | 'id' | 'host' | 'port' | 'transport' | 'username' | 'authUser' | 'password' | 'domain' | 'realm' | 'expires' | 'outboundProxy'
>;

export interface TrunkRegistrationOptions {
  trunk: RegisteringTrunk;
  send: RegistrationSend;
  /** Our address as the carrier must see it (Via, Contact). */
  local: LocalContact;
  regSameDialog: RegSameDialog;
  onStatus(change: TrunkStatusChange): void;
  clock?: RegistrationClock;
  random?: () => number;
  ids?: IdSource;
  cnonce?: () => string;
  /** A 401/407 was left unanswered; `realms` are what it asked for (for the log, never the password). */
  onRefusedChallenge?(realms: string[]): void;
}

export class TrunkRegistration {
  private dialog: RegistrationDialog | undefined;
  private timer: unknown;
  private failures = 0;
  private running = false;
  /** Bumped by stop(): results of attempts started before are ignored. */
  private generation = 0;
  private current: TrunkStatusChange;
  private readonly clock: RegistrationClock;

  constructor(private readonly options: TrunkRegistrationOptions) {
    this.clock = options.clock ?? systemRegistrationClock;
    this.current = { tenantId: options.trunk.tenantId, trunkId: options.trunk.id, status: 'offline', since: this.clock.now() };
  }

  get status(): TrunkStatusChange {
    return { ...this.current };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.attempt();
  }

  /**
   * Stops refreshing; when online, removes the binding with Expires: 0
   * (RFC 3261 §10.2.2) best-effort — a lost unregister just expires.
   */
  async stop(opts: { unregister?: boolean } = {}): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.generation++;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    const wasOnline = this.current.status === 'online';
    if (wasOnline && opts.unregister !== false) await this.register(0).catch(() => undefined);
    this.report('offline', undefined);
  }

  /** One registration attempt: REGISTER, at most one digest answer, then online or backoff. */
  private async attempt(): Promise<void> {
    const generation = this.generation;
    const outcome = await this.register(this.options.trunk.expires);
    if (generation !== this.generation || !this.running) return;
    if (typeof outcome !== 'string' && outcome.status >= 200 && outcome.status < 300) {
      this.failures = 0;
      this.report('online', undefined);
      const granted = grantedExpires(outcome, registerContactUri(this.options.trunk, this.options.local), this.options.trunk.expires);
      this.schedule(refreshDelayMs(granted));
      return;
    }
    this.failures++;
    this.report('offline', describeFailure(outcome));
    const retryAfter = typeof outcome === 'string' ? undefined : retryAfterMs(outcome);
    this.schedule(retryAfter ?? backoffDelayMs(this.failures, this.options.random));
  }

  private schedule(ms: number): void {
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      if (this.running) void this.attempt();
    }, ms);
  }

  /** Sends REGISTER and answers one 401/407 (a second challenge means the credentials are wrong, §22.2). */
  private async register(expires: number): Promise<RegistrationOutcome> {
    const { trunk, local, regSameDialog, ids = randomIds } = this.options;
    this.dialog = nextRegistrationDialog(this.dialog, regSameDialog, ids);
    const first = buildRegister({ trunk, dialog: this.dialog, local, expires, ids });
    const outcome = await this.options.send(first, toDestination(trunk));
    if (typeof outcome === 'string' || (outcome.status !== 401 && outcome.status !== 407)) return outcome;
    const credentials = answerDigestChallenge(outcome, { ...trunk, realm: trunkRealmOf(trunk) }, { method: 'REGISTER', uri: first.uri }, this.options.cnonce);
    // Unanswerable (e.g. a realm other than the trunk's): the line fails as for refused credentials.
    if (!credentials) {
      this.options.onRefusedChallenge?.(challengedRealms(outcome));
      return outcome;
    }
    // gVarSipRegSameDialog applies to the authenticated retry too (MSS "Invalid CSeq number").
    this.dialog = nextRegistrationDialog(this.dialog, regSameDialog, ids);
    const retry = buildRegister({ trunk, dialog: this.dialog, local, expires, credentials, ids });
    return this.options.send(retry, toDestination(trunk));
  }

  private report(status: TrunkLineStatus, lastError: string | undefined): void {
    if (status === this.current.status && lastError === this.current.lastError) return;
    const since = status === this.current.status ? this.current.since : this.clock.now();
    this.current = { tenantId: this.current.tenantId, trunkId: this.current.trunkId, status, since };
    if (lastError !== undefined) this.current.lastError = lastError;
    this.options.onStatus({ ...this.current });
  }
}

/** Where REGISTERs go: the outbound proxy when set, else the carrier (no RFC 3263 lookup yet). */
function toDestination(trunk: RegisteringTrunk): Destination {
  const hop = trunk.outboundProxy ?? { host: trunk.host, port: trunk.port };
  // serverName: the TLS certificate must be for the configured host name (RFC 5922 §7.2).
  return { address: hop.host, port: hop.port, protocol: trunk.transport, serverName: hop.host };
}

/** "400 Bad Request (Invalid CSeq number)": status line plus the carrier's own explanation when it gives one. */
export function describeFailure(outcome: RegistrationOutcome): string {
  if (outcome === 'timeout') return '408 Request Timeout (no response from the carrier)';
  if (outcome === 'transport-error') return 'transport error (carrier unreachable)';
  const detail = getHeader(outcome, 'P-Registrar-Error') ?? getHeader(outcome, 'Warning') ?? getHeader(outcome, 'Reason');
  return `${outcome.status} ${outcome.reason}${detail ? ` (${detail.trim()})` : ''}`;
}
