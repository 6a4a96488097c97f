/**
 * What this PBX says about itself in Allow / Supported / Server headers.
 * Only what is actually implemented is advertised (RFC 3261 §20.5: Allow
 * lists the methods the UA supports).
 */
export const ALLOWED_METHODS = ['REGISTER', 'OPTIONS', 'ACK', 'CANCEL'] as const;
export const SERVER_HEADER = 'Nimbus PBX';
