import type { DigestAlgorithm } from '../../../sip/index.js';

/** A SIP user (extension) of a tenant. The password is never stored, only its HA1s. */
export interface UserAccount {
  tenantId: string;
  ext: string;
  displayName?: string;
  /** HA1 = H(username:realm:password) per algorithm (RFC 7616 §3.4.2), username = ext. */
  ha1: Record<DigestAlgorithm, string>;
  /** Off: one device at a time (a new device replaces the old). On: up to maxDevices. */
  multiDevice: boolean;
  maxDevices: number;
  maxCalls?: number;
  maxOutgoingCalls?: number;
}

export const DEFAULT_MAX_DEVICES = 3;
