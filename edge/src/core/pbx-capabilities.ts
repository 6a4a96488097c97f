/**
 * What this PBX says about itself in Allow / Supported / Server headers.
 * Only what is actually implemented is advertised (RFC 3261 §20.5: Allow
 * lists the methods the UA supports).
 */
export const ALLOWED_METHODS = ['INVITE', 'ACK', 'CANCEL', 'BYE', 'OPTIONS', 'REGISTER', 'MESSAGE', 'INFO', 'UPDATE', 'REFER', 'NOTIFY', 'SUBSCRIBE', 'PRACK'] as const;
export const SERVER_HEADER = 'Nimbus PBX';
