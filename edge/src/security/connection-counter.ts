/**
 * Open connections per source address (TCP, TLS, WebSocket), so one address
 * cannot exhaust the edge's sockets and memory with idle or slow connections.
 */
export class ConnectionCounter {
  private readonly open = new Map<string, number>();

  /** Counts one more connection unless the address already holds `max`. */
  tryOpen(address: string, max: number): boolean {
    const n = this.open.get(address) ?? 0;
    if (n >= max) return false;
    this.open.set(address, n + 1);
    return true;
  }

  /** Counts one more connection whatever the limit (whitelisted addresses). */
  openUnlimited(address: string): void {
    this.open.set(address, (this.open.get(address) ?? 0) + 1);
  }

  close(address: string): void {
    const n = this.open.get(address) ?? 0;
    if (n <= 1) this.open.delete(address);
    else this.open.set(address, n - 1);
  }

  count(address: string): number {
    return this.open.get(address) ?? 0;
  }

  get total(): number {
    let sum = 0;
    for (const n of this.open.values()) sum += n;
    return sum;
  }
}
