/**
 * The calls of this edge that hold trunk slots (MSS per-trunk limits), and
 * the periodic audit that names them to the functions (audit-trunk-slots):
 * any lease this edge (boot) holds in the store for another call, taken
 * more than the grace ago, is given back there. A slot whose release never
 * landed — an end lost on the way, a write the store lost — then costs the
 * trunk a slot for one audit period plus the grace, not until the edge
 * restarts (the reaper's bound for a dead or restarted edge).
 *
 * CallAccounting says when a call comes to hold its slots (authorize-call's
 * or take-trunk-slot's answer) and when it gives them back. A call the edge
 * dropped before that answer is not here, which is right: its lease is
 * exactly what the audit is for.
 */
import type { EdgeIdentity } from '../../../contracts/function-events.js';
import type { Invoker } from '../invoker/invoker.js';
import type { Logger } from '../logger.js';

export interface TrunkSlotAuditOptions {
  /** How often the audit runs; 0 = never (PBX_TRUNK_SLOT_AUDIT_SECONDS). */
  periodMs: number;
  /** Leases younger than this are left alone (PBX_TRUNK_SLOT_AUDIT_GRACE_SECONDS). */
  graceSeconds: number;
}

/** PBX_TRUNK_SLOT_AUDIT_SECONDS and PBX_TRUNK_SLOT_AUDIT_GRACE_SECONDS by default (contracts/settings/edge-settings.ts). */
export const DEFAULT_TRUNK_SLOT_AUDIT: TrunkSlotAuditOptions = { periodMs: 60_000, graceSeconds: 120 };

export class TrunkSlotAudit {
  private readonly holding = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly invoker: Invoker,
    private readonly identity: EdgeIdentity,
    private readonly logger: Logger,
    private readonly options: TrunkSlotAuditOptions,
  ) {}

  /** The call (by callRef) holds a trunk slot now. */
  hold(callRef: string): void {
    this.holding.add(callRef);
  }

  /** The call gave its trunk slots back (its release is on its way). */
  gaveBack(callRef: string): void {
    this.holding.delete(callRef);
  }

  start(): void {
    if (this.options.periodMs <= 0 || this.timer) return;
    this.timer = setInterval(() => void this.audit(), this.options.periodMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One audit; a run still under way (a slow store) is not doubled. Never throws. */
  async audit(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const { released } = await this.invoker.invoke('audit-trunk-slots', {
        type: 'audit-trunk-slots',
        edge: this.identity,
        held: [...this.holding],
        graceSeconds: this.options.graceSeconds,
      });
      if (released > 0) this.logger.warn({ released }, 'trunk slots of calls this edge no longer carries were given back');
    } catch (err) {
      this.logger.warn({ err }, 'trunk slot audit failed; next period retries');
    } finally {
      this.running = false;
    }
  }
}
