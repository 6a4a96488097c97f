/**
 * Message framing on stream transports (TCP, TLS, and WebSocket used as a
 * byte stream). RFC 3261 §18.3: on a stream the body is delimited by
 * Content-Length, which is therefore mandatory; RFC 3261 §7.5: CRLFs before
 * a start line are ignored; RFC 5626 §3.5.1: a double CRLF is a keep-alive
 * "ping" that the receiver answers with a single CRLF "pong".
 *
 * The framer only frames: each 'message' event carries the exact bytes of one
 * message, to be handed to parseMessage. Framing is a pure function of the
 * byte stream, so any chunking of the same bytes yields the same events.
 */
import { canonicalHeaderName } from './header-names.js';
import { type ParseLimits, resolveLimits } from './parse-limits.js';

export type FramerEvent =
  | { type: 'message'; data: Buffer }
  | { type: 'keepalive'; pong: boolean }
  | { type: 'error'; reason: string };

const CR = 0x0d;
const LF = 0x0a;

export class StreamFramer {
  private readonly limits: ParseLimits;
  private buf: Buffer = Buffer.alloc(0);
  /** Unconsumed bytes are buf[start, end). */
  private start = 0;
  private end = 0;
  private failure: string | undefined;

  // State of the message being framed; offsets are relative to `start`.
  private inMessage = false;
  private scanFrom = 0;
  private lineStart = 0;
  private lineCount = 0;
  private headerCount = 0;
  private contentLengths: string[] = [];
  private lastWasContentLength = false;
  private totalLength = -1;

  constructor(limits?: Partial<ParseLimits>) {
    this.limits = resolveLimits(limits);
  }

  /** True once a fatal error was reported; the connection should be closed. */
  get failed(): boolean {
    return this.failure !== undefined;
  }

  /** Bytes buffered but not yet emitted. */
  get buffered(): number {
    return this.end - this.start;
  }

  push(chunk: Buffer): FramerEvent[] {
    if (this.failure !== undefined) return [];
    const events: FramerEvent[] = [];
    try {
      if (chunk && chunk.length > 0) this.append(chunk);
      this.drain(events);
    } catch {
      // Defensive: framing must never take the process down.
      this.fail(events, 'Framing error');
    }
    return events;
  }

  private append(chunk: Uint8Array): void {
    const used = this.end - this.start;
    if (this.end + chunk.length > this.buf.length) {
      const needed = used + chunk.length;
      if (needed <= this.buf.length && this.start > 0) {
        this.buf.copy(this.buf, 0, this.start, this.end);
      } else {
        const grown = Buffer.allocUnsafe(Math.max(needed, this.buf.length * 2, 4096));
        this.buf.copy(grown, 0, this.start, this.end);
        this.buf = grown;
      }
      this.start = 0;
      this.end = used;
    }
    this.buf.set(chunk, this.end);
    this.end += chunk.length;
  }

  private consume(n: number): void {
    this.start += n;
    if (this.start >= this.end) this.start = this.end = 0;
  }

  private fail(events: FramerEvent[], reason: string): void {
    this.failure = reason;
    this.buf = Buffer.alloc(0);
    this.start = this.end = 0;
    events.push({ type: 'error', reason });
  }

  private drain(events: FramerEvent[]): void {
    for (;;) {
      const avail = this.end - this.start;
      if (!this.inMessage) {
        if (avail === 0) return;
        const b = this.buf;
        const s = this.start;
        if (b[s] === LF) {
          this.consume(1); // stray bare LF between messages: tolerated like a CRLF (RFC 3261 §7.5)
          continue;
        }
        if (b[s] === CR) {
          if (avail < 2) return;
          if (b[s + 1] !== LF) return this.fail(events, 'Malformed data between messages');
          if (avail < 3) return; // could still become CRLFCRLF
          if (b[s + 2] === CR) {
            if (avail < 4) return;
            if (b[s + 3] === LF) {
              this.consume(4);
              events.push({ type: 'keepalive', pong: true }); // RFC 5626 §3.5.1 ping
              continue;
            }
          }
          this.consume(2);
          events.push({ type: 'keepalive', pong: false }); // single CRLF: a pong or stray line end
          continue;
        }
        this.beginMessage();
      }

      if (this.totalLength < 0) {
        const outcome = this.scanHeaders();
        if (outcome === 'more') return;
        if (outcome !== 'done') return this.fail(events, outcome);
      }
      if (this.end - this.start < this.totalLength) return;
      const data = Buffer.from(this.buf.subarray(this.start, this.start + this.totalLength));
      this.consume(this.totalLength);
      this.inMessage = false;
      events.push({ type: 'message', data });
    }
  }

  private beginMessage(): void {
    this.inMessage = true;
    this.scanFrom = 0;
    this.lineStart = 0;
    this.lineCount = 0;
    this.headerCount = 0;
    this.contentLengths = [];
    this.lastWasContentLength = false;
    this.totalLength = -1;
  }

  /** Looks for the blank line ending the headers; returns 'done', 'more' or an error reason. */
  private scanHeaders(): string {
    const { maxLineLength, maxMessageBytes, maxHeaders } = this.limits;
    const view = this.buf.subarray(this.start, this.end);
    for (;;) {
      const nl = view.indexOf(LF, this.scanFrom);
      if (nl < 0) {
        // +1: the line may still end in the CR of its CRLF
        if (view.length - this.lineStart > maxLineLength + 1) return 'Header line too long';
        if (view.length > maxMessageBytes) return 'Message too large';
        this.scanFrom = view.length;
        return 'more';
      }
      let lineEnd = nl;
      if (lineEnd > this.lineStart && view[lineEnd - 1] === CR) lineEnd--;
      if (lineEnd - this.lineStart > maxLineLength) return 'Header line too long';
      if (nl + 1 > maxMessageBytes) return 'Message too large';
      if (lineEnd === this.lineStart) {
        return this.finishHeaders(nl + 1);
      }
      if (this.lineCount > 0) {
        const text = view.toString('latin1', this.lineStart, lineEnd);
        if (text[0] === ' ' || text[0] === '\t') {
          // folded continuation (RFC 3261 §7.3.1)
          if (this.lastWasContentLength) {
            const i = this.contentLengths.length - 1;
            this.contentLengths[i] = `${this.contentLengths[i]} ${text.trim()}`.trim();
          }
        } else {
          const colon = text.indexOf(':');
          this.lastWasContentLength = colon > 0 && canonicalHeaderName(text.slice(0, colon).trim()) === 'Content-Length';
          if (this.lastWasContentLength) this.contentLengths.push(text.slice(colon + 1).trim());
          if (++this.headerCount > maxHeaders) return 'Too many headers';
        }
      }
      this.lineCount++;
      this.lineStart = nl + 1;
      this.scanFrom = nl + 1;
    }
  }

  private finishHeaders(headerBytes: number): string {
    if (this.contentLengths.length === 0) return 'Missing Content-Length on stream transport';
    // Negative or non-numeric values are fatal: the stream cannot be re-synchronised.
    if (!this.contentLengths.every((v) => /^\d+$/.test(v))) return 'Malformed Content-Length';
    const lengths = this.contentLengths.map((v) => (v.length > 15 ? Number.MAX_SAFE_INTEGER : Number(v)));
    if (lengths.some((n) => n !== lengths[0])) return 'Malformed Content-Length';
    const bodyLength = lengths[0];
    if (headerBytes + bodyLength > this.limits.maxMessageBytes) return 'Message too large';
    this.totalLength = headerBytes + bodyLength;
    return 'done';
  }
}
