/**
 * The registrations this edge relayed, as the registrar answered them: the
 * cheap source of the `nimbus_bindings` and `nimbus_registered_users`
 * gauges — no store read per scrape.
 *
 * RFC 3261 §10.3 step 8: a 200 to a REGISTER lists every current binding of
 * the address-of-record with its remaining time. The book keeps, per AOR,
 * the Contacts that a REGISTER through this edge put there; each 200 for the
 * AOR refreshes their expiry and drops those it no longer lists (removed,
 * replaced by a new device, expired). So each edge counts the devices that
 * registered through it and the sum over all edges is the deployment's
 * count. Bounds of the view: a binding that another edge replaces (a device
 * moving edges) stays here until its own expiry, and a binding removed by
 * the reaper of a dead edge was never this edge's. Pure: no I/O, the clock
 * is passed in.
 */
import { getHeaders, parseContacts, type NameAddr, type SipHeader, type SipRequest } from '../../../sip/index.js';
import { ownCopy } from '../core/own-copy.js';

interface BookEntry {
  /** The Contact's URI, copied out of the REGISTER's text (edge/src/core/own-copy.ts). */
  uri: string;
  /** Epoch ms. */
  expiresAt: number;
  /** The TCP/TLS/WebSocket flow the REGISTER came on; its close may end the binding. */
  flowId?: string;
}

export interface RegisterAnswer {
  /** Tenant and user the registrar authenticated (RegisterResult.auth); undefined = not a binding change. */
  tenantId?: string;
  username?: string;
  status: number;
  headers: SipHeader[];
}

function contactsOf(values: string[]): NameAddr[] {
  const list = parseContacts(values);
  return list && !list.star ? list.contacts : [];
}

/** Without scrapes nothing would forget expired entries: every this many REGISTERs the book forgets them itself. */
const PRUNE_EVERY = 1_000;

/**
 * Memory (one entry per registered device, kept for hours): an AOR's
 * bindings are a short array, not a Map — a device or three per user, and
 * an empty Map alone costs ~380 bytes.
 */
export class BindingBook {
  private readonly byAor = new Map<string, BookEntry[]>();
  /**
   * The AORs a flow registered (one, rarely more), so a flow's close looks
   * at its own AORs, not at every binding of the edge (tens of thousands of
   * WebSocket flows closing at once). An AOR whose bindings moved on stays
   * listed until the flow closes; flowClosed then finds nothing of the flow
   * there, which is harmless.
   */
  private readonly aorsByFlow = new Map<string, string | string[]>();
  private registers = 0;

  /** A REGISTER relayed by this edge and the registrar's answer to it. */
  register(request: SipRequest, answer: RegisterAnswer, flowId: string | undefined, now: number): void {
    if (answer.status !== 200 || answer.tenantId === undefined || answer.username === undefined) return;
    if (++this.registers % PRUNE_EVERY === 0) this.counts(now);
    const aor = ownCopy(`${answer.tenantId}/${answer.username}`);
    const current = new Map<string, number>();
    for (const contact of contactsOf(answer.headers.filter((h) => h.name.toLowerCase() === 'contact').map((h) => h.value))) {
      const seconds = Number(contact.params.expires);
      if (Number.isFinite(seconds) && seconds > 0) current.set(contact.uri, now + seconds * 1000);
    }
    const entries: BookEntry[] = [];
    for (const entry of this.byAor.get(aor) ?? []) {
      const expiresAt = current.get(entry.uri);
      if (expiresAt !== undefined) entries.push({ ...entry, expiresAt });
    }
    for (const contact of contactsOf(getHeaders(request, 'Contact'))) {
      const expiresAt = current.get(contact.uri);
      if (expiresAt === undefined) continue;
      const entry: BookEntry = { uri: ownCopy(contact.uri), expiresAt, ...(flowId !== undefined ? { flowId } : {}) };
      if (flowId !== undefined) this.indexFlow(flowId, aor);
      const known = entries.findIndex((e) => e.uri === contact.uri);
      if (known >= 0) entries[known] = entry;
      else entries.push(entry);
    }
    if (entries.length > 0) this.byAor.set(aor, entries);
    else this.byAor.delete(aor);
  }

  /** The flow-closed function removed bindings of this flow (RFC 5626 §5.3: a flow-only device is gone with its flow). */
  flowClosed(flowId: string): void {
    const aors = this.aorsByFlow.get(flowId);
    if (aors === undefined) return;
    this.aorsByFlow.delete(flowId);
    for (const aor of typeof aors === 'string' ? [aors] : aors) {
      const entries = this.byAor.get(aor);
      if (!entries) continue;
      const kept = entries.filter((entry) => entry.flowId !== flowId);
      if (kept.length === entries.length) continue;
      if (kept.length > 0) this.byAor.set(aor, kept);
      else this.byAor.delete(aor);
    }
  }

  /**
   * The flow closed but the registrar removed none of its bindings (they
   * had moved to a newer flow of the device, or expired) or could not be
   * asked: only the flow's index entry goes, so closed flows leave nothing.
   */
  forgetFlow(flowId: string): void {
    this.aorsByFlow.delete(flowId);
  }

  /** Flows with a binding in the book's index (tests: nothing is left of closed flows). */
  get indexedFlows(): number {
    return this.aorsByFlow.size;
  }

  private indexFlow(flowId: string, aor: string): void {
    const known = this.aorsByFlow.get(flowId);
    if (known === undefined) this.aorsByFlow.set(flowId, aor);
    else if (typeof known === 'string') {
      if (known !== aor) this.aorsByFlow.set(flowId, [known, aor]);
    } else if (!known.includes(aor)) known.push(aor);
  }

  /** Live bindings and the users holding at least one; expired entries are forgotten on the way. */
  counts(now: number): { bindings: number; users: number } {
    this.keepOnly((entry) => entry.expiresAt > now);
    let bindings = 0;
    for (const entries of this.byAor.values()) bindings += entries.length;
    return { bindings, users: this.byAor.size };
  }

  private keepOnly(keep: (entry: BookEntry) => boolean): void {
    for (const [aor, entries] of this.byAor) {
      if (entries.every(keep)) continue;
      const kept = entries.filter(keep);
      if (kept.length > 0) this.byAor.set(aor, kept);
      else this.byAor.delete(aor);
    }
  }
}
