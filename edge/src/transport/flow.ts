import { banSubject } from '../../../contracts/fail-to-ban/address-set.js';
import type { HostPort, TransportProtocol } from '../../../contracts/transport.js';

/**
 * One connection-oriented path to a peer (RFC 5626 §3: a "flow"): a TCP/TLS
 * connection or a WebSocket. Responses and in-dialog requests for a device
 * behind NAT or in a browser can only reach it through the flow it opened.
 */
export interface Flow {
  readonly id: string;
  readonly protocol: TransportProtocol;
  readonly remote: HostPort;
  /** False once the connection is gone; sending then fails. */
  readonly open: boolean;
  send(data: string): boolean;
  close(reason: string): void;
}

let flowCounter = 0;

/** Flow ids are unique within one edge boot; bindings pair them with the edge's bootId. */
export function newFlowId(protocol: TransportProtocol): string {
  flowCounter += 1;
  return `${protocol}-${flowCounter.toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

export class FlowRegistry {
  private readonly flows = new Map<string, Flow>();

  add(flow: Flow): void {
    this.flows.set(flow.id, flow);
  }

  remove(flowId: string): void {
    this.flows.delete(flowId);
  }

  get(flowId: string | undefined): Flow | undefined {
    if (!flowId) return undefined;
    const flow = this.flows.get(flowId);
    return flow?.open ? flow : undefined;
  }

  /** An open flow to this address, for connection reuse (RFC 3261 §18.1.1 / §18.2.2). */
  findByRemote(protocol: TransportProtocol, remote: HostPort): Flow | undefined {
    for (const flow of this.flows.values()) {
      if (flow.open && flow.protocol === protocol && flow.remote.address === remote.address && flow.remote.port === remote.port) {
        return flow;
      }
    }
    return undefined;
  }

  get size(): number {
    return this.flows.size;
  }

  /** Closes every flow from this address, or from this IPv6 /64 (a ban: MSS fail-to-ban). Returns how many were open. */
  closeByAddress(address: string, reason: string): number {
    const target = banSubject(address);
    let closed = 0;
    for (const flow of [...this.flows.values()]) {
      if (flow.open && banSubject(flow.remote.address) === target) {
        flow.close(reason);
        closed++;
      }
    }
    return closed;
  }

  closeAll(reason: string): void {
    for (const flow of [...this.flows.values()]) flow.close(reason);
    this.flows.clear();
  }
}
