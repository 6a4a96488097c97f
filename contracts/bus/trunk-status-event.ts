/**
 * The bus event for a line status change (architecture: "trunk status" on
 * EventBridge / the in-process bus; routed to the admins' event log by
 * contracts/bus/event-routes.ts 'TrunkStatusToEventLog').
 */
import type { PbxEvent } from './pbx-event.js';

/** A line's status as the edge that registers it sees it (edge/src/trunks/trunk-registration.ts). */
export interface TrunkStatusChange {
  tenantId: string;
  trunkId: string;
  status: 'online' | 'offline';
  /** Why the line is offline, e.g. "400 Bad Request (Invalid CSeq number)"; never contains credentials. */
  lastError?: string;
  /** Epoch ms of the last status change. */
  since: number;
}

/** A type alias, not an interface: PbxEvent details must be assignable to Record<string, unknown> to be published. */
export type TrunkStatusDetail = {
  tenantId: string;
  trunkId: string;
  status: 'online' | 'offline';
  lastError?: string;
  /** ISO-8601 time the line entered this status. */
  since: string;
  /** The edge holding the line's lease (the one registering it). */
  edgeId: string;
};

export function trunkStatusEvent(change: TrunkStatusChange, edgeId: string, now: Date = new Date()): PbxEvent<TrunkStatusDetail> {
  const detail: TrunkStatusDetail = {
    tenantId: change.tenantId,
    trunkId: change.trunkId,
    status: change.status,
    since: new Date(change.since).toISOString(),
    edgeId,
  };
  if (change.lastError !== undefined) detail.lastError = change.lastError;
  return { source: 'nimbus.edge', detailType: 'trunk.status', time: now.toISOString(), detail };
}
