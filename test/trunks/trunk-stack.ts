import dgram from 'node:dgram';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSipp, type SippResult } from '../support/sipp.js';
import { TEST_SEED, type TestStack } from '../support/test-stack.js';
import { waitUntilUdpBound } from './udp-port-probe.js';

/**
 * What the SIP trunk tests share: TEST_SEED's tenant "acme" with trunks
 * added, carriers played by SIPp (or a bare UDP socket) on their own ports,
 * the caller 1001 dialling through the PBX, and the trunk usage the admin
 * API reports.
 */

/** The calling user of TEST_SEED (the PBX challenges its INVITE with 407, RFC 3261 §22.3). */
export const CALLER = { ext: '1001', password: 's3cret-1001' } as const;

/** TEST_SEED with `trunks` (seed fields of functions/src/trunks/trunk-schema.ts) in tenant "acme". */
export function seedWithTrunks(trunks: readonly Record<string, unknown>[]): unknown {
  const [acme] = TEST_SEED.tenants;
  return { tenants: [{ ...acme, trunks }] };
}

/** A carrier scenario running on its port; `finished` resolves when SIPp has handled its calls. */
export interface CarrierRun {
  port: number;
  finished: Promise<SippResult>;
}

/**
 * Starts a carrier (SIPp as UAS, test/sipp/carrier-*.xml) on `port` and
 * resolves once it listens, so the PBX's first INVITE never meets a closed port.
 */
export async function startCarrier(
  port: number,
  scenario: string,
  options: { calls?: number; template?: Record<string, string>; timeoutSeconds?: number } = {},
): Promise<CarrierRun> {
  const finished = runSipp({
    scenario,
    transport: 'udp',
    target: '127.0.0.1:5060', // unused: SIPp waits for requests here
    service: 'carrier',
    localPort: port,
    calls: options.calls ?? 1,
    timeoutSeconds: options.timeoutSeconds ?? 20,
    ...(options.template ? { template: options.template } : {}),
  });
  await waitUntilUdpBound(port);
  return { port, finished };
}

/** A carrier that must be left alone: a UDP socket on its port that only counts what arrives. */
export interface SilentCarrier {
  /** Stops listening; resolves with every datagram that arrived. */
  close(): Promise<string[]>;
}

export async function startSilentCarrier(port: number): Promise<SilentCarrier> {
  const socket = dgram.createSocket('udp4');
  const received: string[] = [];
  socket.on('message', (msg) => received.push(msg.toString('utf8')));
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, '127.0.0.1', () => resolve());
  });
  return { close: () => new Promise((resolve) => socket.close(() => resolve(received))) };
}

/** What a carrier was asked for, from carrier-answer.xml's "INVITE ruri=… | from=… | to=… | pai=…" lines. */
export interface CarrierInvite {
  ruri: string;
  from: string;
  to: string;
  pai: string;
}

export function carrierInvites(log: string): CarrierInvite[] {
  return [...log.matchAll(/^INVITE ruri=(.*?) \| from=(.*?) \| to=(.*?) \| pai=(.*)$/gm)].map((m) => ({
    ruri: m[1].trim(),
    from: m[2].trim(),
    to: m[3].trim(),
    pai: m[4].trim(),
  }));
}

/** The user part of the first SIP URI in a header value ("Alice" <sip:1001@host>;tag=x → 1001). */
export function uriUser(value: string): string | undefined {
  return /sips?:([^@;>]+)@/.exec(value)?.[1];
}

/**
 * The caller 1001 dials `number` through the PBX with one of the user
 * scenarios (uac-call.xml, uac-expect-final.xml …), answering the PBX's 407
 * with its own credentials. `traceFile` keeps every message SIPp sent and
 * received (SIPp -trace_msg), for checks the scenario cannot make.
 */
export function dialOut(
  stack: TestStack,
  number: string,
  scenario: string,
  options: { talk?: string; template?: Record<string, string>; traceFile?: string; timeoutSeconds?: number } = {},
): Promise<SippResult> {
  return runSipp({
    scenario,
    transport: 'udp',
    target: `127.0.0.1:${stack.sipPort}`,
    service: number,
    authUser: CALLER.ext,
    password: CALLER.password,
    vars: { domain: '127.0.0.1', caller: CALLER.ext, talk: options.talk ?? '200' },
    ...(options.template ? { template: options.template } : {}),
    ...(options.traceFile ? { extraArgs: ['-trace_msg', '-message_file', options.traceFile] } : {}),
    timeoutSeconds: options.timeoutSeconds ?? 20,
  });
}

/** A fresh path for dialOut's `traceFile`. */
export async function traceFilePath(): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), 'nimbus-trace-')), 'messages.log');
}

/** One message of a SIPp -trace_msg file: its first line and CSeq. */
export interface TracedMessage {
  direction: 'sent' | 'received';
  startLine: string;
  cseq: string;
}

export async function readTrace(traceFile: string): Promise<TracedMessage[]> {
  const text = await readFile(traceFile, 'utf8');
  return text
    .split(/^-{20,}.*$/m)
    .map((block) => /message (sent|received)[^\n]*\n\s*\n([^\r\n]+)[\s\S]*?^CSeq:\s*([^\r\n]+)/m.exec(block))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ direction: m[1] as 'sent' | 'received', startLine: m[2].trim(), cseq: m[3].trim() }));
}

/** A trunk's live call counts as GET /api/v1/tenants/acme/trunks reports them. */
export interface TrunkUsage {
  in: number;
  out: number;
  total: number;
}

export async function trunkUsage(stack: TestStack, trunkId: string, tenantId = 'acme'): Promise<TrunkUsage> {
  const res = await fetch(`http://127.0.0.1:${stack.httpPort}/api/v1/tenants/${tenantId}/trunks`, {
    headers: { authorization: `Bearer ${stack.adminToken.token}` },
  });
  if (res.status !== 200) throw new Error(`GET trunks: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { trunks: { id: string; usage: TrunkUsage }[] };
  const trunk = body.trunks.find((t) => t.id === trunkId);
  if (!trunk) throw new Error(`GET trunks: no trunk ${trunkId}`);
  return trunk.usage;
}

/** Polls the trunk's usage until `done` holds (slots are given back asynchronously, after the BYE's 200). */
export async function waitForUsage(stack: TestStack, trunkId: string, done: (u: TrunkUsage) => boolean, timeoutMs = 3_000): Promise<TrunkUsage> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const usage = await trunkUsage(stack, trunkId);
    if (done(usage) || Date.now() > deadline) return usage;
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const pause = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
