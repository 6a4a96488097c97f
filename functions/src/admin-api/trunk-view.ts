/**
 * A trunk as the admin API shows it: configuration, live usage against the
 * MSS limits and the last line status. Built from an explicit list of fields
 * so that secrets (password, digest user) can never leak in through a new
 * stored attribute. Pure.
 */
import type { TrunkStatusRecord } from '../trunks/trunk-status-repository.js';
import type { TrunkUsage } from '../trunks/trunk-usage-repository.js';
import type { Trunk, TrunkKind, TrunkRoute } from '../../../contracts/trunk.js';

export interface AdminTrunkView {
  id: string;
  kind: TrunkKind;
  host: string;
  port: number;
  transport: 'udp' | 'tcp';
  /** The account at the carrier (not a secret; the password and digest user never appear). */
  username?: string;
  routes: TrunkRoute[];
  dids: Record<string, string>;
  maxIncomingCalls?: number;
  maxOutgoingCalls?: number;
  maxTotalCalls?: number;
  usage: TrunkUsage;
  /** Registering trunks only, once their edge reported a status. */
  status?: { status: 'online' | 'offline'; lastError?: string; since: string; edgeId: string };
}

export function toAdminTrunkView(trunk: Trunk, usage: TrunkUsage, status: TrunkStatusRecord | undefined): AdminTrunkView {
  return {
    id: trunk.id,
    kind: trunk.kind,
    host: trunk.host,
    port: trunk.port,
    transport: trunk.transport,
    ...(trunk.username !== undefined ? { username: trunk.username } : {}),
    routes: trunk.routes.map((r) => ({ prefix: r.prefix, strip: r.strip, prepend: r.prepend })),
    dids: { ...trunk.dids },
    ...(trunk.maxIncomingCalls !== undefined ? { maxIncomingCalls: trunk.maxIncomingCalls } : {}),
    ...(trunk.maxOutgoingCalls !== undefined ? { maxOutgoingCalls: trunk.maxOutgoingCalls } : {}),
    ...(trunk.maxTotalCalls !== undefined ? { maxTotalCalls: trunk.maxTotalCalls } : {}),
    usage: { in: usage.in, out: usage.out, total: usage.total },
    ...(status
      ? {
          status: {
            status: status.status,
            ...(status.lastError !== undefined ? { lastError: status.lastError } : {}),
            since: status.since,
            edgeId: status.edgeId,
          },
        }
      : {}),
  };
}
