/**
 * The REGISTER an edge sends to keep a trunk ("external line") registered at
 * its carrier (RFC 3261 §10.2), and how Call-ID / CSeq move from one REGISTER
 * to the next under the MSS system variable gVarSipRegSameDialog.
 *
 * Pure: no sockets, no timers. Identifiers come from an injectable source so
 * tests can pin them.
 */
import { newBranch, newCallId, newTag, type SipRequest } from '../../../sip/index.js';
import { trunkDomainOf, type Trunk } from '../../../contracts/trunk.js';
import { VIA_TRANSPORT, type TransportProtocol } from '../../../contracts/transport.js';

/**
 * MSS gVarSipRegSameDialog. 1 (default) = RFC 3261 §10.2.4: one Call-ID for
 * every registration to a registrar, CSeq + 1 on each REGISTER (the
 * authenticated retry after a 401 included). 0 = a new Call-ID for every
 * REGISTER, the authenticated retry included, CSeq restarting at 1 — for
 * carriers that answer a CSeq increment with "400 P-Registrar-Error: Invalid CSeq number".
 */
export type RegSameDialog = 0 | 1;

export const DEFAULT_REG_SAME_DIALOG: RegSameDialog = 1;

/** The per-trunk override wins over the system value (MSS: system-wide variable, trunk setting). */
export function resolveRegSameDialog(trunk: Pick<Trunk, 'regSameDialog'>, systemValue: RegSameDialog = DEFAULT_REG_SAME_DIALOG): RegSameDialog {
  return trunk.regSameDialog ?? systemValue;
}

/** What identifies the "registration dialog" between REGISTERs (RFC 3261 §10.2: Call-ID, CSeq, From tag). */
export interface RegistrationDialog {
  callId: string;
  cseq: number;
  fromTag: string;
}

export interface IdSource {
  callId(): string;
  tag(): string;
  branch(): string;
}

export const randomIds: IdSource = { callId: newCallId, tag: newTag, branch: newBranch };

/**
 * The dialog state for the next REGISTER. Mode 1 keeps Call-ID and From tag
 * and increments CSeq (RFC 3261 §10.2.4 "MUST increment the CSeq value by one
 * for each REGISTER request with the same Call-ID"); mode 0 starts over with
 * a fresh Call-ID and CSeq 1 every time.
 */
export function nextRegistrationDialog(prev: RegistrationDialog | undefined, mode: RegSameDialog, ids: IdSource = randomIds): RegistrationDialog {
  if (mode === 1 && prev) return { ...prev, cseq: prev.cseq + 1 };
  return { callId: ids.callId(), cseq: 1, fromTag: ids.tag() };
}

/** Where the edge can be reached: written into Via (RFC 3261 §18.1.1) and Contact. */
export interface LocalContact {
  host: string;
  port: number;
  protocol: TransportProtocol;
}

export type RegisterTrunk = Pick<Trunk, 'host' | 'port' | 'username' | 'domain'>;

/** The carrier's domain: the Request-URI host and the host of From/To (MSS: domain, else the host). */
export const trunkDomain: (trunk: RegisterTrunk) => string = trunkDomainOf;

/** Request-URI of the REGISTER: the registrar's domain, no user part (RFC 3261 §10.2). */
export function registerUri(trunk: RegisterTrunk): string {
  return `sip:${trunkDomain(trunk)}`;
}

export interface RegisterSpec {
  trunk: RegisterTrunk;
  dialog: RegistrationDialog;
  local: LocalContact;
  /** Seconds asked of the registrar; 0 removes the binding (RFC 3261 §10.2.2). */
  expires: number;
  /** Digest credentials answering a 401 (Authorization) or 407 (Proxy-Authorization), RFC 3261 §22.2, §22.3. */
  credentials?: { header: 'Authorization' | 'Proxy-Authorization'; value: string };
  ids?: Pick<IdSource, 'branch'>;
}

/** The Contact URI this edge registers for a trunk: the account at our address. */
export function registerContactUri(trunk: RegisterTrunk, local: LocalContact): string {
  const transport = local.protocol === 'udp' ? '' : `;transport=${local.protocol}`;
  return `sip:${trunk.username ?? ''}@${local.host}:${local.port}${transport}`;
}

/** Builds one REGISTER (RFC 3261 §10.2); each call gets a new Via branch, i.e. a new transaction. */
export function buildRegister(spec: RegisterSpec): SipRequest {
  const { trunk, dialog, local } = spec;
  const domain = trunkDomain(trunk);
  const aor = `<sip:${trunk.username ?? ''}@${domain}>`;
  const branch = (spec.ids ?? randomIds).branch();
  const headers = [
    { name: 'Via', value: `SIP/2.0/${VIA_TRANSPORT[local.protocol]} ${local.host}:${local.port};branch=${branch};rport` },
    { name: 'Max-Forwards', value: '70' },
    // From = To = the address-of-record (RFC 3261 §10.2: "third-party" registration is not ours).
    { name: 'From', value: `${aor};tag=${dialog.fromTag}` },
    { name: 'To', value: aor },
    { name: 'Call-ID', value: dialog.callId },
    { name: 'CSeq', value: `${dialog.cseq} REGISTER` },
    { name: 'Contact', value: `<${registerContactUri(trunk, local)}>` },
    { name: 'Expires', value: String(spec.expires) },
  ];
  if (spec.credentials) headers.push({ name: spec.credentials.header, value: spec.credentials.value });
  headers.push({ name: 'User-Agent', value: 'Nimbus PBX' });
  return { kind: 'request', method: 'REGISTER', uri: registerUri(trunk), headers, body: '' };
}
