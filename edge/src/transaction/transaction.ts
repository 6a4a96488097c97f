import type { SipRequest, SipResponse } from '../../../sip/index.js';
import type { Destination, Source } from '../../../contracts/transport.js';
import type { Clock, TimerSettings } from './timers.js';
import { TransactionTimers, type TimerName } from './transaction-timers.js';

/** Union of the states of RFC 3261 Figures 5-8 as amended by RFC 6026 (adds Accepted). */
export type TransactionState = 'calling' | 'trying' | 'proceeding' | 'accepted' | 'completed' | 'confirmed' | 'terminated';

export interface TransactionLogger {
  debug(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

/** What a transaction needs from its layer: timing, logging and the transport. */
export interface TransactionCore {
  settings: TimerSettings;
  clock: Clock;
  logger: TransactionLogger;
  sendRequest(req: SipRequest, dest: Destination): void | Promise<void>;
  sendResponse(res: SipResponse, source: Source): void | Promise<void>;
}

export interface TransactionEvents {
  stateChanged: (state: TransactionState) => void;
  terminated: () => void;
  /** Server: Timer H fired (no ACK). Client: Timer B/F fired (the TU synthesizes 408, §8.1.3.1). */
  timeout: () => void;
  /** RFC 3261 §17.1.4 / §17.2.4: the transport failed; the transaction is terminated. */
  transportError: (error: unknown) => void;
}

type Listeners = { [K in keyof TransactionEvents]: TransactionEvents[K][] };

/** State, timers and events shared by the four transaction state machines. */
export abstract class Transaction<S extends TransactionState> {
  /** Resolves when the transaction reaches Terminated. */
  readonly terminated: Promise<void>;
  protected readonly timers: TransactionTimers;
  private current: S;
  private resolveTerminated!: () => void;
  private readonly listeners: Listeners = { stateChanged: [], terminated: [], timeout: [], transportError: [] };

  protected constructor(
    /** The key this transaction is stored under in its layer. */
    readonly id: string,
    protected readonly core: TransactionCore,
    initial: S,
  ) {
    this.current = initial;
    this.timers = new TransactionTimers(core.clock);
    this.terminated = new Promise((resolve) => {
      this.resolveTerminated = resolve;
    });
  }

  abstract readonly kind: string;
  /** Whether the transport is reliable: no retransmissions, zero wait timers (RFC 3261 §17). */
  abstract readonly reliable: boolean;

  get state(): S {
    return this.current;
  }

  get isTerminated(): boolean {
    return this.current === 'terminated';
  }

  on<K extends keyof TransactionEvents>(event: K, listener: TransactionEvents[K]): this {
    this.listeners[event].push(listener);
    return this;
  }

  /** Terminates at once, silently (layer shutdown, or a TU abandoning the transaction). */
  terminate(): void {
    this.transition('terminated' as S);
  }

  protected transition(to: S): void {
    if (this.isTerminated || this.current === to) return;
    this.core.logger.debug({ transaction: this.id, kind: this.kind, from: this.current, to }, 'transaction state');
    this.current = to;
    if (to === 'terminated') this.timers.stopAll();
    this.emit('stateChanged', to);
    if (to === 'terminated') {
      this.emit('terminated');
      this.resolveTerminated();
    }
  }

  /** Starts a timer; a zero duration (reliable transports) fires synchronously, as "0 s" in the RFC. */
  protected startTimer(name: TimerName, ms: number, fire: () => void): void {
    if (this.isTerminated) return;
    if (ms <= 0) fire();
    else this.timers.start(name, ms, fire);
  }

  /** Runs a transport send, routing synchronous throws and rejected promises to the transport-error path. */
  protected transmit(send: () => void | Promise<void>): void {
    try {
      const pending: unknown = send();
      if (isPromiseLike(pending)) pending.then(undefined, (error: unknown) => this.failTransport(error));
    } catch (error) {
      this.failTransport(error);
    }
  }

  protected failTransport(error: unknown): void {
    if (this.isTerminated) return;
    this.core.logger.warn({ transaction: this.id, kind: this.kind, err: error }, 'transaction transport error');
    this.emit('transportError', error);
    this.transition('terminated' as S);
  }

  protected emit<K extends keyof TransactionEvents>(event: K, ...args: Parameters<TransactionEvents[K]>): void {
    for (const listener of [...this.listeners[event]]) {
      this.guard(event, () => (listener as (...a: Parameters<TransactionEvents[K]>) => void)(...args));
    }
  }

  /** A throwing TU callback must not break the state machine. */
  protected guard(what: string, fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.core.logger.warn({ transaction: this.id, kind: this.kind, err: error, callback: what }, 'transaction user callback threw');
    }
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | undefined)?.then === 'function';
}
