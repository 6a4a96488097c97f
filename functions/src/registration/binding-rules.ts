/**
 * Processing of a REGISTER's Contact list against the stored bindings
 * (RFC 3261 §10.3 steps 5–7) plus the PBX's device policy. Pure: every input
 * is data, the output is either the new binding list or the error reply.
 */
import { parseUri, type ContactList, type NameAddr, type SipHeader } from '../../../sip/index.js';
import type { EdgeIdentity } from '../../../contracts/function-events.js';
import type { Source } from '../../../contracts/transport.js';
import { isLive, type Binding } from './binding.js';

export interface ExpiresLimits {
  minExpires: number;
  maxExpires: number;
  defaultExpires: number;
}

export interface DevicePolicy {
  /** Off: one device at a time, a new device replaces the old one. */
  multiDevice: boolean;
  /** With multiDevice: bindings allowed at once. */
  maxDevices: number;
}

export interface RegistrationOrigin {
  edge: EdgeIdentity;
  source: Source;
  userAgent?: string;
}

export interface BindingRulesInput {
  /** Stored bindings of the AOR (may include expired or dead ones: they are pruned here). */
  existing: Binding[];
  /** Parsed Contact header fields; `{ star: false, contacts: [] }` when there is no Contact (a query). */
  contact: ContactList;
  /** Raw Expires header value, if any. */
  expiresHeader: string | undefined;
  callId: string;
  cseq: number;
  /** Epoch ms. */
  now: number;
  policy: DevicePolicy;
  limits: ExpiresLimits;
  origin: RegistrationOrigin;
}

export type BindingRulesResult =
  /** `changed` false: nothing to write (a query that pruned nothing). */
  | { ok: true; bindings: Binding[]; changed: boolean }
  | { ok: false; status: number; reason: string; headers: SipHeader[] };

/** RFC 3261 §20.19: delta-seconds above 2**32-1 are taken as 2**32-1. */
const MAX_DELTA_SECONDS = 2 ** 32 - 1;

function parseDeltaSeconds(text: string): number | undefined {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return undefined;
  return Math.min(Number(t), MAX_DELTA_SECONDS);
}

const fail = (status: number, reason: string, headers: SipHeader[] = []): BindingRulesResult => ({ ok: false, status, reason, headers });

/** Parameters significant for Contact URI equality (RFC 3261 §19.1.4); others are ignored in the key. */
const SIGNIFICANT_URI_PARAMS = ['maddr', 'method', 'transport', 'ttl', 'user'];

/**
 * Identity of a Contact for refresh/removal. With `+sip.instance` the device
 * identity survives Contact changes (new IP, new port after NAT rebinding),
 * RFC 5626 §6 / RFC 5627; `reg-id` distinguishes its parallel flows. Without
 * it, Contact URIs are compared as in RFC 3261 §10.3 step 7 (§19.1.4 rules,
 * simplified to a canonical string). undefined when the URI is not SIP.
 */
export function bindingKey(contact: NameAddr): string | undefined {
  const instance = contact.params['+sip.instance'];
  if (typeof instance === 'string' && instance !== '') {
    const regId = contact.params['reg-id'];
    // urn:uuid values are case-insensitive (RFC 4122 §3).
    return `instance:${instance.toLowerCase()}${typeof regId === 'string' ? `;reg-id=${regId}` : ''}`;
  }
  const uri = parseUri(contact.uri);
  if (!uri || (uri.scheme !== 'sip' && uri.scheme !== 'sips')) return undefined;
  let key = `uri:${uri.scheme}:${uri.user !== undefined ? `${uri.user}@` : ''}${uri.host.toLowerCase()}`;
  if (uri.port !== undefined) key += `:${uri.port}`;
  for (const name of SIGNIFICANT_URI_PARAMS) {
    const value = Object.prototype.hasOwnProperty.call(uri.params, name) ? uri.params[name] : undefined;
    if (value !== undefined) key += `;${name}=${(value ?? '').toLowerCase()}`;
  }
  return key;
}

/** A flow of an earlier boot of this same edge cannot exist any more (its sockets died with the process). */
function isDeadFlow(binding: Binding, edge: EdgeIdentity): boolean {
  return binding.flowId !== undefined && binding.edgeId === edge.id && binding.bootId !== edge.bootId;
}

/** RFC 3261 §10.3 step 7: same Call-ID and a CSeq not above the stored one means an old request arrived late. */
function isOutOfOrder(binding: Binding, callId: string, cseq: number): boolean {
  return binding.callId === callId && cseq <= binding.cseq;
}

/** Contact header parameters that are echoed back; expires is recomputed per reply. */
function echoedParams(contact: NameAddr): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const [name, value] of Object.entries(contact.params)) if (name !== 'expires') out[name] = value;
  return out;
}

interface ContactUpdate {
  key: string;
  contact: NameAddr;
  /** Granted seconds; 0 = remove. */
  expires: number;
}

/**
 * Why 400 and not 500 for an out-of-order CSeq: RFC 3261 §10.3 step 7 only
 * says "the update MUST be aborted and the request fails"; its 500 is for a
 * failed commit. Here nothing failed on our side — the request is stale (an
 * older REGISTER overtaken by a newer one), so a final client error fits,
 * and unlike 500 it does not invite the UA to retry the same stale request
 * or count as a server fault in monitoring.
 */
export const CSEQ_OUT_OF_ORDER = 'CSeq out of order';

export function applyBindingRules(input: BindingRulesInput): BindingRulesResult {
  const { now, callId, cseq, limits, policy, origin } = input;

  // Expired and dead bindings are gone whatever else happens.
  const live = input.existing.filter((b) => isLive(b, now) && !isDeadFlow(b, origin.edge));
  const pruned = live.length !== input.existing.length;

  let expiresHeader: number | undefined;
  if (input.expiresHeader !== undefined) {
    expiresHeader = parseDeltaSeconds(input.expiresHeader);
    if (expiresHeader === undefined) return fail(400, 'Invalid Expires header');
  }

  // RFC 3261 §10.3 step 6: `Contact: *` removes every binding, only with Expires: 0.
  if (input.contact.star) {
    if (expiresHeader !== 0) return fail(400, 'Wildcard Contact requires Expires: 0');
    if (live.some((b) => isOutOfOrder(b, callId, cseq))) return fail(400, CSEQ_OUT_OF_ORDER);
    return { ok: true, bindings: [], changed: true };
  }

  // No Contact: a query, answered with the current bindings (RFC 3261 §10.2.3).
  if (input.contact.contacts.length === 0) return { ok: true, bindings: live, changed: pruned };

  const updates: ContactUpdate[] = [];
  for (const contact of input.contact.contacts) {
    const key = bindingKey(contact);
    if (key === undefined) return fail(400, 'Invalid Contact URI');
    let requested: number;
    const param = contact.params.expires;
    if (param !== undefined) {
      // The Contact's own expires parameter wins over the Expires header (RFC 3261 §10.2.1.1).
      const parsed = param === null ? undefined : parseDeltaSeconds(param);
      if (parsed === undefined) return fail(400, 'Invalid Contact expires parameter');
      requested = parsed;
    } else {
      requested = expiresHeader ?? limits.defaultExpires;
    }
    if (requested > 0 && requested < limits.minExpires) {
      return fail(423, 'Interval Too Brief', [{ name: 'Min-Expires', value: String(limits.minExpires) }]);
    }
    updates.push({ key, contact, expires: Math.min(requested, limits.maxExpires) });
  }

  const byKey = new Map(live.map((b) => [b.key, b] as const));
  const next = new Map(byKey);
  const addedKeys = new Set<string>();
  for (const u of updates) {
    const current = byKey.get(u.key);
    if (current && isOutOfOrder(current, callId, cseq)) return fail(400, CSEQ_OUT_OF_ORDER);
    if (u.expires === 0) {
      next.delete(u.key);
      continue;
    }
    if (!current) addedKeys.add(u.key);
    next.set(u.key, {
      key: u.key,
      contact: u.contact.uri,
      params: echoedParams(u.contact),
      callId,
      cseq,
      expiresAt: now + u.expires * 1000,
      registeredAt: current?.registeredAt ?? now,
      ...(origin.userAgent !== undefined ? { userAgent: origin.userAgent } : {}),
      edgeId: origin.edge.id,
      bootId: origin.edge.bootId,
      ...(origin.source.flowId !== undefined ? { flowId: origin.source.flowId } : {}),
      protocol: origin.source.protocol,
      address: origin.source.address,
      port: origin.source.port,
    });
  }

  let bindings = [...next.values()];

  if (addedKeys.size > 0) {
    if (!policy.multiDevice) {
      // One device at a time: the new device takes over the AOR. Its
      // replacing the others counts as updating them, so a late old request
      // (same Call-ID, lower CSeq) must not evict a newer registration.
      const requestKeys = new Set(updates.map((u) => u.key));
      const evicted = bindings.filter((b) => !requestKeys.has(b.key));
      if (evicted.some((b) => isOutOfOrder(b, callId, cseq))) return fail(400, CSEQ_OUT_OF_ORDER);
      bindings = bindings.filter((b) => requestKeys.has(b.key));
    } else if (bindings.length > policy.maxDevices) {
      // Counted after pruning expired and dead bindings; refreshes of known devices are never refused.
      return fail(403, `Too many devices (max ${policy.maxDevices})`);
    }
  }

  return { ok: true, bindings, changed: true };
}
