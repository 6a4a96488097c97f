import { readFile } from 'node:fs/promises';

/**
 * Resolves once some process (SIPp) has a UDP socket bound to the port, read
 * from /proc/net/udp so the probe never competes with SIPp for the port.
 * Without it the first REGISTER could arrive before SIPp listens and reach it
 * only as a retransmission.
 */
export async function waitUntilUdpBound(port: number, timeoutMs = 5_000): Promise<void> {
  const hexPort = `:${port.toString(16).toUpperCase().padStart(4, '0')} `;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const table = await readFile('/proc/net/udp', 'utf8').catch(() => undefined);
    if (table === undefined) return new Promise((r) => setTimeout(r, 500)); // not Linux: give SIPp a moment
    if (table.split('\n').some((line) => line.trim().split(/\s+/)[1]?.endsWith(hexPort.trim()))) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`nothing bound udp port ${port} within ${timeoutMs} ms`);
}
