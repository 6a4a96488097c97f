/**
 * A tenant as a seed document (functions/src/seed/seed-schema.ts) without
 * secrets: no user password, no HA1, no trunk password or digest user. Pure.
 *
 * Importing it back (seed-import.ts) keeps the stored secrets of users and
 * trunks that exist, so export → edit → import is a round trip.
 */
import type { Trunk } from '../../../contracts/trunk.js';
import type { Tenant } from '../directory/tenant.js';
import type { UserAccount } from '../directory/user-account.js';
import type { TenantSettings } from './settings-repository.js';

export interface ExportedTrunk {
  id: string;
  kind: Trunk['kind'];
  host: string;
  port: number;
  transport: Trunk['transport'];
  username?: string;
  domain?: string;
  expires: number;
  outboundProxy?: { host: string; port: number };
  callerId: Trunk['callerId'];
  routes: Trunk['routes'];
  dids: Record<string, string>;
  maxIncomingCalls?: number;
  maxOutgoingCalls?: number;
  maxTotalCalls?: number;
  regSameDialog?: 0 | 1;
}

export interface ExportedTenant {
  id: string;
  domains: string[];
  realm: string;
  settings?: TenantSettings;
  users: Array<Omit<UserAccount, 'tenantId' | 'ha1'>>;
  trunks: ExportedTrunk[];
}

export interface SeedExport {
  tenants: [ExportedTenant];
}

const opt = <K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> => (value !== undefined ? ({ [key]: value } as Record<K, V>) : {});

export function exportTrunk(t: Trunk): ExportedTrunk {
  return {
    id: t.id,
    kind: t.kind,
    host: t.host,
    port: t.port,
    transport: t.transport,
    ...opt('username', t.username),
    ...opt('domain', t.domain),
    expires: t.expires,
    ...opt('outboundProxy', t.outboundProxy ? { host: t.outboundProxy.host, port: t.outboundProxy.port } : undefined),
    callerId: t.callerId,
    routes: t.routes.map((r) => ({ prefix: r.prefix, strip: r.strip, prepend: r.prepend })),
    dids: { ...t.dids },
    ...opt('maxIncomingCalls', t.maxIncomingCalls),
    ...opt('maxOutgoingCalls', t.maxOutgoingCalls),
    ...opt('maxTotalCalls', t.maxTotalCalls),
    ...opt('regSameDialog', t.regSameDialog),
  };
}

export function exportTenant(tenant: Tenant, settings: TenantSettings, users: readonly UserAccount[], trunks: readonly Trunk[]): SeedExport {
  return {
    tenants: [
      {
        id: tenant.id,
        domains: [...tenant.domains],
        realm: tenant.realm,
        ...(settings.gVarSipRegSameDialog !== undefined ? { settings: { gVarSipRegSameDialog: settings.gVarSipRegSameDialog } } : {}),
        users: users.map((u) => ({
          ext: u.ext,
          ...opt('displayName', u.displayName),
          multiDevice: u.multiDevice,
          maxDevices: u.maxDevices,
          ...opt('maxCalls', u.maxCalls),
          ...opt('maxOutgoingCalls', u.maxOutgoingCalls),
        })),
        trunks: trunks.map(exportTrunk),
      },
    ],
  };
}
