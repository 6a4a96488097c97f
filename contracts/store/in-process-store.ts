/**
 * A DynamoDB-compatible store that runs in this very process (the local
 * stack's embedded dynalite), reached by the AWS SDK without a socket: the
 * client's `requestHandler` hands each serialized, signed request to the
 * store's own HTTP request listener — the function an HTTP request on its
 * port reaches — through request and response objects shaped like Node's
 * IncomingMessage and ServerResponse. So the store sees the same bytes,
 * headers and method and answers with the same status, headers and body
 * (conditional failures included), while Node's HTTP client and server and
 * the loopback TCP hop drop out. The same store still listens on its port
 * for everything in other processes (`npm run bans`, a second edge, tests).
 *
 * Shaped like @smithy/node-http-handler's NodeHttpHandler: `handle` returns
 * `{ response }`, honours `abortSignal`; `destroy` is a no-op because the
 * store's owner, not each client, ends it (`close`).
 */
import { EventEmitter } from 'node:events';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { buildQueryString, HttpRequest, HttpResponse, type HttpHandler, type HttpHandlerOptions } from '@smithy/core/protocols';
import type { RequestSigner, RequestSigningArguments } from '@smithy/types';

/** What a DynamoDB client needs to reach a store in this process (contracts/store/dynamo-client.ts `inProcess`). */
export interface InProcessStore {
  /** The store's HTTP endpoint: the SDK resolves its URL from it; other processes use it over TCP. */
  readonly endpoint: string;
  readonly requestHandler: HttpHandler;
}

/** The request as the listener reads it: an IncomingMessage's method, url, lower-case headers and 'data'/'end' events. */
class InProcessRequest extends EventEmitter {
  constructor(
    readonly method: string,
    readonly url: string,
    readonly headers: Record<string, string>,
  ) {
    super();
  }
}

/** The response as the listener writes it: statusCode, setHeader, end(body). */
class InProcessResponse {
  statusCode = 200;
  readonly headers: Record<string, string> = {};
  constructor(private readonly onEnd: (response: InProcessResponse, body: Buffer) => void) {}

  setHeader(name: string, value: number | string | readonly string[]): this {
    // Node's HTTP client hands the SDK lower-case header names; so does this.
    this.headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    return this;
  }

  end(chunk?: string | Uint8Array): this {
    this.onEnd(this, chunk === undefined ? Buffer.alloc(0) : Buffer.from(chunk));
    return this;
  }
}

function requestBody(body: unknown): Buffer {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  // DynamoDB's JSON protocol sends strings; a streaming body would need its own reader.
  throw new TypeError('in-process store: only string or byte request bodies are supported');
}

function abortError(): Error {
  return Object.assign(new Error('Request aborted'), { name: 'AbortError' });
}

type Abortable = NonNullable<HttpHandlerOptions['abortSignal']>;
interface DomAbortSignal {
  addEventListener(type: 'abort', listener: () => void, options: { once: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/** The SDK's AbortSignal is the DOM one or its own legacy shape (onabort only); returns how to stop listening. */
function whenAborted(signal: Abortable, abort: () => void): () => void {
  const dom = signal as Partial<DomAbortSignal>;
  if (typeof dom.addEventListener === 'function' && typeof dom.removeEventListener === 'function') {
    dom.addEventListener('abort', abort, { once: true });
    return () => dom.removeEventListener!('abort', abort);
  }
  signal.onabort = abort;
  return () => {};
}

/** Refused like a closed port, so the SDK reports (and retries) it as it would over TCP. */
function storeClosed(): Error {
  return Object.assign(new Error('connect ECONNREFUSED: the in-process store is closed'), { code: 'ECONNREFUSED' });
}

export class RequestListenerHandler implements HttpHandler {
  readonly metadata = { handlerProtocol: 'http/1.1' };
  private readonly inFlight = new Set<Promise<unknown>>();
  private closed = false;

  constructor(private readonly listener: RequestListener) {}

  handle(request: HttpRequest, options: HttpHandlerOptions = {}): Promise<{ response: HttpResponse }> {
    if (this.closed) return Promise.reject(storeClosed());
    const { abortSignal } = options;
    if (abortSignal?.aborted) return Promise.reject(abortError());
    let stopListening = () => {};
    const done = new Promise<{ response: HttpResponse }>((resolve, reject) => {
      if (abortSignal) stopListening = whenAborted(abortSignal, () => reject(abortError()));
      const query = buildQueryString(request.query ?? {});
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
      const req = new InProcessRequest(request.method, query ? `${request.path}?${query}` : request.path, headers);
      const res = new InProcessResponse((answered, body) =>
        resolve({ response: new HttpResponse({ statusCode: answered.statusCode, headers: answered.headers, body }) }),
      );
      const body = requestBody(request.body);
      // The listener subscribes to 'data' and 'end' synchronously, as on a real IncomingMessage;
      // what it throws while reading the request rejects this request only.
      this.listener(req as unknown as IncomingMessage, res as unknown as ServerResponse);
      if (body.length > 0) req.emit('data', body);
      req.emit('end');
    });
    this.inFlight.add(done);
    const settle = () => {
      stopListening();
      this.inFlight.delete(done);
    };
    done.then(settle, settle);
    return done;
  }

  /** Refuses new requests and waits for those under way (the store closes after them, like an HTTP server). */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.inFlight]);
  }

  /** Called by every client's destroy(): the handler is shared, its owner closes it. */
  destroy(): void {}

  updateHttpClientConfig(): void {}

  httpHandlerConfigs(): Record<string, never> {
    return {};
  }
}

/**
 * For a store in this process only (it checks that a request carries a
 * SigV4-shaped Authorization header and an X-Amz-Date, never the signature
 * itself, as dynalite does): writes those two headers without hashing the
 * request or deriving a signing key — SigV4's cost per request.
 */
export function unsignedLocalSigner(accessKeyId: string): RequestSigner {
  return {
    async sign(request: HttpRequest, options: RequestSigningArguments = {}): Promise<HttpRequest> {
      const amzDate = new Date(options.signingDate ?? Date.now()).toISOString().replace(/[-:]|\.\d{3}/g, '');
      const scope = `${amzDate.slice(0, 8)}/${options.signingRegion ?? 'us-east-1'}/${options.signingService ?? 'dynamodb'}/aws4_request`;
      const signed = HttpRequest.clone(request);
      signed.headers['x-amz-date'] = amzDate;
      signed.headers['authorization'] = `AWS4-HMAC-SHA256 Credential=${accessKeyId}/${scope}, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`;
      return signed;
    },
  };
}
