import type { Destination, Source } from '../../../contracts/transport.js';

/**
 * A tap on the wire: every SIP message the edge receives (after the ban and
 * flood gate let it in) and every one it sends, as bytes, with the peer's
 * address. The transport layer only calls it; what a capture does with the
 * copy (HEP v3 to Homer: edge/src/ops/hep-capture.ts) is not its business,
 * and a capture must never throw or block.
 */
export interface SipCapture {
  received(data: Buffer, source: Source): void;
  sent(data: string, destination: Destination): void;
}
