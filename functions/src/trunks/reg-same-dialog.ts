/**
 * MSS system variable gVarSipRegSameDialog: how the PBX numbers the
 * REGISTERs it sends to a carrier.
 *
 * - 1 (default) = RFC 3261 §10.2: every REGISTER of one registration uses the
 *   same Call-ID, the CSeq increasing by one (§10.2.4 refresh, §22.2 retry
 *   with credentials);
 * - 0 = a new Call-ID for every REGISTER, the authenticated retry included —
 *   a workaround for carriers that reject CSeq increments.
 *
 * Most specific wins: the trunk's own value, else the tenant's settings,
 * else the system value, else 1.
 */
export type RegSameDialog = 0 | 1;

export const DEFAULT_REG_SAME_DIALOG: RegSameDialog = 1;

export function effectiveRegSameDialog(
  trunk: { regSameDialog?: RegSameDialog | undefined },
  tenant: RegSameDialog | undefined,
  system: RegSameDialog | undefined,
): RegSameDialog {
  return trunk.regSameDialog ?? tenant ?? system ?? DEFAULT_REG_SAME_DIALOG;
}

/** A stored value, if it is one (anything else counts as unset). */
export function asRegSameDialog(value: unknown): RegSameDialog | undefined {
  return value === 0 || value === 1 ? value : undefined;
}
