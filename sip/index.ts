/** Nimbus shared SIP library: pure functions over plain-data SIP messages (no I/O). */
export * from './message.js';
export * from './header-names.js';
export * from './headers.js';
export * from './grammar.js';
export * from './params.js';
export * from './host-port.js';
export * from './uri.js';
export * from './name-addr.js';
export * from './via.js';
export * from './cseq.js';
export * from './auth-header.js';
export * from './digest.js';
export * from './response.js';
export * from './parse-limits.js';
export { parseMessage, type ParseResult } from './parser.js';
export * from './validate.js';
export * from './serializer.js';
export * from './stream-framer.js';
