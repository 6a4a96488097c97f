/**
 * The calls of this edge that hold slots — trunk slots (MSS per-trunk
 * limits) and users' call slots (MSS call limits) — and the periodic audit
 * that names them to the functions (audit-slots): a trunk lease this edge
 * (boot) holds for another call, taken more than the grace ago, is given
 * back at once; a user's entry for another call is given back by the next
 * take that finds that user at the limit (functions/src/calls/audit-slots.ts).
 * A slot whose release never landed — an end lost on the way, a write the
 * store lost — then costs one audit period plus the grace, not the edge's
 * lifetime (the reaper's bound for a dead or restarted edge).
 *
 * CallAccounting says when a call comes to hold its slots (authorize-call's
 * or take-trunk-slot's answer) and when it gives them back. A call the edge
 * dropped before that answer is not here, which is right: its slots are
 * exactly what the audit is for.
 */
import type { EdgeIdentity } from '../../../contracts/function-events.js';
import type { Invoker } from '../invoker/invoker.js';
import type { Logger } from '../logger.js';

export interface SlotAuditOptions {
  /** How often the audit runs; 0 = never (PBX_SLOT_AUDIT_SECONDS). */
  periodMs: number;
  /** Slots younger than this are left alone (PBX_SLOT_AUDIT_GRACE_SECONDS). */
  graceSeconds: number;
}

/** PBX_SLOT_AUDIT_SECONDS and PBX_SLOT_AUDIT_GRACE_SECONDS by default (contracts/settings/edge-settings.ts). */
export const DEFAULT_SLOT_AUDIT: SlotAuditOptions = { periodMs: 60_000, graceSeconds: 120 };

export type SlotKind = 'trunk' | 'call';

export class SlotAudit {
  private readonly holding: Record<SlotKind, Set<string>> = { trunk: new Set(), call: new Set() };
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly invoker: Invoker,
    private readonly identity: EdgeIdentity,
    private readonly logger: Logger,
    private readonly options: SlotAuditOptions,
  ) {}

  /** The call (by callRef) holds slots of that kind now. */
  hold(kind: SlotKind, callRef: string): void {
    this.holding[kind].add(callRef);
  }

  /** The call gave its slots of that kind back (the release is on its way). */
  gaveBack(kind: SlotKind, callRef: string): void {
    this.holding[kind].delete(callRef);
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
      const { released, recorded } = await this.invoker.invoke('audit-slots', {
        type: 'audit-slots',
        edge: this.identity,
        trunkSlotsHeld: [...this.holding.trunk],
        callSlotsHeld: [...this.holding.call],
        graceSeconds: this.options.graceSeconds,
      });
      if (released > 0) this.logger.warn({ released }, 'trunk slots of calls this edge no longer carries were given back');
      if (!recorded) this.logger.warn({ calls: this.holding.call.size }, 'too many calls under call limits to record; the previous audit stays');
    } catch (err) {
      this.logger.warn({ err }, 'slot audit failed; next period retries');
    } finally {
      this.running = false;
    }
  }
}
