/**
 * A silent WebSocket flow is closed after the idle timeout (RFC 5626 §4.4.1:
 * a flow the client keeps alive stays; one it forgot does not hold the edge),
 * by the transport's shared idle sweep; a client that sends CRLF keep-alives
 * (RFC 7118 clients, RFC 5626 §3.5.1) keeps its flow. Real sockets: the
 * edge's WebSocket transport on an HTTP server, `ws` clients.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { FlowRegistry } from '../../edge/src/transport/flow.js';
import { WsTransport } from '../../edge/src/transport/ws-transport.js';
import { createLogger } from '../../edge/src/logger.js';

const IDLE_MS = 600;
let server: Server;
let transport: WsTransport;
const flows = new FlowRegistry();
const closedFlows: string[] = [];

beforeAll(async () => {
  transport = new WsTransport({
    protocol: 'ws',
    path: '/ws',
    logger: createLogger('silent'),
    flows,
    events: { onMessage: () => {}, onClose: (flow) => void closedFlows.push(flow.id) },
    idleTimeoutMs: IDLE_MS,
    maxPayloadBytes: 65_536,
  });
  server = createServer((_req, res) => res.writeHead(404).end());
  server.on('upgrade', (req, socket, head) => {
    if (!transport.handleUpgrade(req, socket, head)) socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  transport?.close();
  await new Promise((resolve) => server?.close(resolve));
});

async function connect(): Promise<{ ws: WebSocket; closed: Promise<number> }> {
  const ws = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws`, 'sip');
  await new Promise<void>((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const opened = Date.now();
  const closed = new Promise<number>((resolve) => ws.once('close', () => resolve(Date.now() - opened)));
  return { ws, closed };
}

describe('idle WebSocket flows', () => {
  it('closes a silent flow after the idle timeout, not before, and forgets it', async () => {
    const before = flows.size;
    const { closed } = await connect();
    expect(flows.size).toBe(before + 1);
    const after = await closed;
    expect(after).toBeGreaterThanOrEqual(IDLE_MS - 20);
    expect(flows.size).toBe(before);
    expect(closedFlows.length).toBeGreaterThan(0);
  });

  it('keeps a flow whose client sends CRLF keep-alives, and answers them', async () => {
    const { ws, closed } = await connect();
    let pongs = 0;
    ws.on('message', (data) => {
      if (data.toString() === '\r\n') pongs++;
    });
    let done = false;
    void closed.then(() => (done = true));
    for (let i = 0; i < 6; i++) {
      ws.send('\r\n\r\n');
      await new Promise((r) => setTimeout(r, IDLE_MS / 3));
    }
    expect(done).toBe(false);
    expect(pongs).toBeGreaterThanOrEqual(5);
    ws.close();
    await closed;
  });
});
