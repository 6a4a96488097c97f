/**
 * A trunk as the admin API shows it: configuration, live usage against the
 * MSS limits and the last line status. Built from an explicit list of fields
 * so that secrets (password, digest user) can never leak in through a new
 * stored attribute; `hasCredentials` says whether a password is set. Pure.
 */
import { z } from 'zod';
import type { TrunkStatusRecord } from '../trunks/trunk-status-repository.js';
import type { TrunkUsage } from '../trunks/trunk-usage-repository.js';
import type { Trunk } from '../../../contracts/trunk.js';

const route = z.object({ prefix: z.string(), strip: z.number().int(), prepend: z.string() });

export const trunkView = z
  .object({
    id: z.string(),
    kind: z.enum(['ip', 'register']),
    host: z.string(),
    port: z.number().int(),
    transport: z.enum(['udp', 'tcp', 'tls']),
    username: z.string().optional().meta({ description: 'The account at the carrier (not a secret).' }),
    hasCredentials: z.boolean().meta({ description: 'A password is stored (it is write-only and never shown).' }),
    domain: z.string().optional(),
    realm: z.string().optional().meta({ description: 'The only digest realm answered with the password (default: domain, then host).' }),
    expires: z.number().int(),
    outboundProxy: z.object({ host: z.string(), port: z.number().int() }).optional(),
    callerId: z.enum(['from', 'pai']),
    routes: z.array(route),
    dids: z.record(z.string(), z.string()),
    maxIncomingCalls: z.number().int().optional(),
    maxOutgoingCalls: z.number().int().optional(),
    maxTotalCalls: z.number().int().optional(),
    regSameDialog: z.union([z.literal(0), z.literal(1)]).optional(),
    usage: z.object({ in: z.number().int(), out: z.number().int(), total: z.number().int() }).meta({ description: 'Calls on the trunk now.' }),
    status: z
      .object({ status: z.enum(['online', 'offline']), lastError: z.string().optional(), since: z.string(), edgeId: z.string() })
      .optional()
      .meta({ description: 'Line status (registering trunks, once their edge reported one).' }),
  })
  .meta({ id: 'Trunk' });

export type AdminTrunkView = z.output<typeof trunkView>;

const opt = <K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> => (value !== undefined ? ({ [key]: value } as Record<K, V>) : {});

export function toAdminTrunkView(trunk: Trunk, usage: TrunkUsage, status: TrunkStatusRecord | undefined): AdminTrunkView {
  return {
    id: trunk.id,
    kind: trunk.kind,
    host: trunk.host,
    port: trunk.port,
    transport: trunk.transport,
    ...opt('username', trunk.username),
    hasCredentials: trunk.password !== undefined,
    ...opt('domain', trunk.domain),
    ...opt('realm', trunk.realm),
    expires: trunk.expires,
    ...opt('outboundProxy', trunk.outboundProxy ? { host: trunk.outboundProxy.host, port: trunk.outboundProxy.port } : undefined),
    callerId: trunk.callerId,
    routes: trunk.routes.map((r) => ({ prefix: r.prefix, strip: r.strip, prepend: r.prepend })),
    dids: { ...trunk.dids },
    ...opt('maxIncomingCalls', trunk.maxIncomingCalls),
    ...opt('maxOutgoingCalls', trunk.maxOutgoingCalls),
    ...opt('maxTotalCalls', trunk.maxTotalCalls),
    ...opt('regSameDialog', trunk.regSameDialog),
    usage: { in: usage.in, out: usage.out, total: usage.total },
    ...opt(
      'status',
      status ? { status: status.status, ...opt('lastError', status.lastError), since: status.since, edgeId: status.edgeId } : undefined,
    ),
  };
}
