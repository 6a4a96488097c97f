// rtpengine-client ships no type declarations; this is the part of its API Nimbus uses (ng protocol over UDP).
declare module 'rtpengine-client' {
  import { EventEmitter } from 'node:events';
  type NgParams = Record<string, unknown>;
  type NgReply = Record<string, unknown> & { result: string; 'error-reason'?: string; sdp?: string };
  interface ClientOptions {
    localPort?: number;
    localAddress?: string;
    /** ms before a command without a reply is rejected. */
    timeout?: number;
  }
  class Client extends EventEmitter {
    constructor(options: ClientOptions);
    ping(port: number, host: string): Promise<NgReply>;
    offer(port: number, host: string, params: NgParams): Promise<NgReply>;
    answer(port: number, host: string, params: NgParams): Promise<NgReply>;
    delete(port: number, host: string, params: NgParams): Promise<NgReply>;
    query(port: number, host: string, params: NgParams): Promise<NgReply>;
    list(port: number, host: string, params: NgParams): Promise<NgReply>;
    close(): void;
  }
  const pkg: { Client: typeof Client };
  export default pkg;
}
