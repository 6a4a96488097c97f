/**
 * Who is calling the admin API, once authenticated (admin-auth.ts), and what
 * they may reach. Two roles:
 *
 * - system: the operator ("cloud MSS"): every tenant, the system settings,
 *   bans, tenant creation and deletion;
 * - tenant: a company's admin: only the listed tenants — anything else,
 *   CDRs and reports of other tenants included, is 403.
 *
 * Pure.
 */
export type Principal =
  | { role: 'system'; actor: string }
  | { role: 'tenant'; tenants: readonly string[]; actor: string };

export function canReachTenant(principal: Principal, tenantId: string): boolean {
  return principal.role === 'system' || principal.tenants.includes(tenantId);
}
