/**
 * A line status change reported by the edge registering it becomes the
 * line's stored status (store/trunk-status-repository.ts), which the admin
 * API shows. Events arrive at least once and in any order: an event older
 * than the stored status is ignored, so the latest change wins whatever the
 * delivery order.
 */
import type { TrunkStatusDetail } from '../../../contracts/bus/trunk-status-event.js';
import type { TrunkStatusStore } from './trunk-status-repository.js';

export interface TrunkStatusDeps {
  trunkStatus: Pick<TrunkStatusStore, 'putStatus'>;
  /** Epoch ms. */
  now: () => number;
}

export interface RecordTrunkStatusResult {
  tenantId: string;
  trunkId: string;
  /** False when a newer status was stored already. */
  stored: boolean;
}

export async function recordTrunkStatus(detail: TrunkStatusDetail, deps: TrunkStatusDeps): Promise<RecordTrunkStatusResult> {
  const stored = await deps.trunkStatus.putStatus({
    tenantId: detail.tenantId,
    trunkId: detail.trunkId,
    status: detail.status,
    ...(detail.lastError !== undefined ? { lastError: detail.lastError } : {}),
    since: detail.since,
    edgeId: detail.edgeId,
    updatedAt: new Date(deps.now()).toISOString(),
  });
  return { tenantId: detail.tenantId, trunkId: detail.trunkId, stored };
}
