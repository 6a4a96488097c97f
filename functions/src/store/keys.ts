/**
 * Single-table item layout (table definition: contracts/store/tables.ts).
 *
 * | Item            | pk                          | sk              | attributes |
 * |-----------------|-----------------------------|-----------------|------------|
 * | tenant          | TENANT#<tenantId>           | META            | id, realm, domains; gsi1pk TENANTS, gsi1sk <tenantId> (tenant list) |
 * | domain index    | DOMAIN#<lower-case domain>  | DOMAIN          | tenantId |
 * | user            | TENANT#<tenantId>           | USER#<ext>      | ext, displayName, ha1 {MD5, SHA-256}, multiDevice, maxDevices, maxCalls?, maxOutgoingCalls? |
 * | user bindings   | TENANT#<tenantId>           | BINDINGS#<ext>  | bindings[], version, ttl |
 * | flow index      | FLOW#<edgeId>#<flowId>      | FLOW            | aors (string set of "<tenantId>/<ext>"), ttl |
 *
 * All bindings of a user are ONE item so that a conditional write on its
 * `version` makes the max-devices rule race-free.
 */

import { normalizeDomain } from '../../../contracts/register-request.js';

export interface ItemKey {
  pk: string;
  sk: string;
}

/** The registrar's (contracts/register-request.ts): the domain index and the REGISTER path must agree. */
export { normalizeDomain };

export const tenantKey = (tenantId: string): ItemKey => ({ pk: `TENANT#${tenantId}`, sk: 'META' });

export const domainKey = (domain: string): ItemKey => ({ pk: `DOMAIN#${normalizeDomain(domain)}`, sk: 'DOMAIN' });

export const userKey = (tenantId: string, ext: string): ItemKey => ({ pk: `TENANT#${tenantId}`, sk: `USER#${ext}` });

export const bindingsKey = (tenantId: string, ext: string): ItemKey => ({ pk: `TENANT#${tenantId}`, sk: `BINDINGS#${ext}` });

export const flowKey = (edgeId: string, flowId: string): ItemKey => ({ pk: `FLOW#${edgeId}#${flowId}`, sk: 'FLOW' });

/** An address-of-record as stored in the flow index. Tenant ids cannot contain '/', see seed-schema.ts. */
export interface AorRef {
  tenantId: string;
  ext: string;
}

export const formatAorRef = (aor: AorRef): string => `${aor.tenantId}/${aor.ext}`;

export function parseAorRef(text: string): AorRef | undefined {
  const slash = text.indexOf('/');
  if (slash <= 0 || slash === text.length - 1) return undefined;
  return { tenantId: text.slice(0, slash), ext: text.slice(slash + 1) };
}

/** DynamoDB TTL wants epoch seconds. */
export const toTtlSeconds = (epochMs: number): number => Math.ceil(epochMs / 1000);
