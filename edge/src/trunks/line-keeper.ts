/**
 * Wires the external-line registration client into a running edge: the
 * registering trunks come from the 'trunk-lines' function, the leases from
 * the 'trunk-lease' function (./invoker-lease-store), REGISTERs go out through
 * the edge's own transaction layer (RFC 3261 §17.1.2) from its advertised
 * address, and every line status change is published as 'trunk.status' and
 * logged. A failing function is logged and retried on the next pass; it never
 * takes the edge down.
 */
import type { EventBus } from '../../../contracts/bus/event-bus.js';
import type { EdgeIdentity, TrunkLine } from '../../../contracts/function-events.js';
import type { Invoker } from '../invoker/invoker.js';
import type { Logger } from '../logger.js';
import type { LocalAddresses } from '../proxy/local-addresses.js';
import type { TransactionLayer } from '../transaction/index.js';
import { InvokerTrunkLeaseStore } from './invoker-lease-store.js';
import type { LocalContact } from './register-request.js';
import { transactionSender } from './transaction-sender.js';
import { trunkLeaseKey, type TrunkLeaseStore } from './trunk-lease.js';
import { TrunkRegistrar } from './trunk-registrar.js';
import { TrunkRegistration, type TrunkStatusChange } from './trunk-registration.js';
import { trunkStatusEvent } from '../../../contracts/bus/trunk-status-event.js';
import { trunkRealmOf } from '../../../contracts/trunk.js';

/** What the line keeper needs of an edge; a started SipEdge satisfies it. */
export interface TrunkLinesEdge {
  readonly identity: EdgeIdentity;
  readonly transactions: Pick<TransactionLayer, 'sendRequest'>;
  readonly proxy: {
    readonly addresses: Pick<LocalAddresses, 'host' | 'port'>;
    readonly invoker: Invoker;
    readonly bus: EventBus;
    readonly logger: Logger;
  };
}

export interface StartTrunkLinesOptions {
  /** Must be started: its listening ports go into Via and Contact. */
  edge: TrunkLinesEdge;
  /** Lease lifetime (PBX_TRUNK_LEASE_SECONDS): a dead edge's lines move to another edge after at most this. */
  leaseTtlMs: number;
  /** Lease renewal and trunk re-read period; a third of the TTL by default, so one lost renewal costs nothing. */
  renewEveryMs?: number;
  /** Default: the 'trunk-lease' function through the edge's invoker. */
  leases?: TrunkLeaseStore;
  /** How long stop() waits for the unREGISTERs (Expires: 0) before giving up; default 5 s. */
  stopTimeoutMs?: number;
  logger?: Logger;
}

export interface TrunkLineStopOptions {
  /** Remove the bindings at the carriers (RFC 3261 §10.2.2, Expires: 0). Default true. */
  unregister?: boolean;
  /** Give the leases up so another edge takes over at once. Default true; false behaves like a crash. */
  releaseLeases?: boolean;
}

export interface TrunkLines {
  readonly registrar: TrunkRegistrar<TrunkLine>;
  /** Current status of every line this edge registers (it holds their leases). */
  statuses(): TrunkStatusChange[];
  /** Idempotent; later calls return the first call's promise. */
  stop(opts?: TrunkLineStopOptions): Promise<void>;
}

const DEFAULT_STOP_TIMEOUT_MS = 5_000;

export async function startTrunkLines(options: StartTrunkLinesOptions): Promise<TrunkLines> {
  const { edge } = options;
  const { invoker, bus, addresses } = edge.proxy;
  const edgeId = edge.identity.id;
  const logger = (options.logger ?? edge.proxy.logger).child({ component: 'trunk-lines' });
  const send = transactionSender(edge.transactions);
  const running = new Map<string, TrunkRegistration>();

  const onStatus = (change: TrunkStatusChange): void => {
    // lastError is a status line plus the carrier's explanation: never credentials (trunk-registration.ts).
    const fields = { tenantId: change.tenantId, trunkId: change.trunkId, status: change.status, lastError: change.lastError };
    if (change.status === 'online') logger.info(fields, 'trunk line online');
    else logger.warn(fields, 'trunk line offline');
    bus.publish([trunkStatusEvent(change, edgeId)]).catch((err: unknown) => logger.warn({ err, trunkId: change.trunkId }, 'trunk.status event not published'));
  };

  const registrar = new TrunkRegistrar<TrunkLine>({
    edgeId,
    leases: options.leases ?? new InvokerTrunkLeaseStore(invoker),
    leaseTtlMs: options.leaseTtlMs,
    ...(options.renewEveryMs !== undefined ? { renewEveryMs: options.renewEveryMs } : {}),
    loadTrunks: async () => (await invoker.invoke('trunk-lines', { type: 'trunk-lines' })).lines,
    createRegistration: (line) => {
      const key = trunkLeaseKey(line);
      const registration = new TrunkRegistration({
        trunk: line,
        send,
        local: localContact(addresses, line.transport),
        regSameDialog: line.regSameDialog,
        onStatus,
        onRefusedChallenge: (challengedRealms) =>
          logger.warn({ tenantId: line.tenantId, trunkId: line.id, challengedRealms, trunkRealm: trunkRealmOf(line) }, 'carrier challenge not answered: realm is not the trunk\'s'),
      });
      running.set(key, registration);
      return {
        start: () => registration.start(),
        stop: async (opts) => {
          try {
            await registration.stop(opts);
          } finally {
            if (running.get(key) === registration) running.delete(key);
          }
        },
      };
    },
    // The error of an invoke never carries the lines (passwords): only the function's failure.
    onError: (err) => logger.warn({ err }, 'trunk lines pass failed; retrying on the next pass'),
  });
  await registrar.start();

  let stopping: Promise<void> | undefined;
  const stopTimeoutMs = options.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS;
  return {
    registrar,
    statuses: () => [...running.values()].map((r) => r.status),
    stop: (opts = {}) =>
      (stopping ??= (async () => {
        const done = registrar
          .stop({ unregister: opts.unregister, releaseLeases: opts.releaseLeases })
          .then(() => true)
          .catch((err: unknown) => {
            logger.warn({ err }, 'trunk lines did not stop cleanly');
            return true;
          });
        // A carrier that no longer answers would hold shutdown for Timer F (32 s, §17.1.2.2); its binding just expires.
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<false>((resolve) => {
          timer = setTimeout(() => resolve(false), stopTimeoutMs);
        });
        const finished = await Promise.race([done, timedOut]);
        clearTimeout(timer);
        if (!finished) logger.warn({ timeoutMs: stopTimeoutMs }, 'trunk lines still unregistering at shutdown; their bindings will expire at the carriers');
      })()),
  };
}

/** Via sent-by and Contact of a line's REGISTERs: the edge's advertised host and its listening port for the line's transport. */
export function localContact(addresses: Pick<LocalAddresses, 'host' | 'port'>, transport: TrunkLine['transport']): LocalContact {
  const port = addresses.port(transport);
  if (port === undefined) throw new Error(`the edge has no ${transport} listener to register trunk lines from`);
  return { host: addresses.host, port, protocol: transport };
}
