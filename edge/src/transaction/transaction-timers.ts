import type { Clock } from './timers.js';

/**
 * The named timers one transaction has running ('A', 'B', … plus the two
 * unlettered ones: 'Trying' for the §17.2.1 200 ms rule and 'Linger' after
 * the TU cancelled a client transaction's timers).
 */
export type TimerName = 'A' | 'B' | 'D' | 'E' | 'F' | 'G' | 'H' | 'I' | 'J' | 'K' | 'L' | 'M' | 'Trying' | 'Linger';

export class TransactionTimers {
  private readonly handles = new Map<TimerName, unknown>();

  constructor(private readonly clock: Clock) {}

  /** (Re)starts a timer; a running timer of the same name is replaced. */
  start(name: TimerName, ms: number, fire: () => void): void {
    this.stop(name);
    const handle = this.clock.setTimeout(() => {
      this.handles.delete(name);
      fire();
    }, ms);
    this.handles.set(name, handle);
  }

  stop(...names: TimerName[]): void {
    for (const name of names) {
      if (!this.handles.has(name)) continue;
      this.clock.clearTimeout(this.handles.get(name));
      this.handles.delete(name);
    }
  }

  stopAll(): void {
    this.stop(...this.handles.keys());
  }

  isRunning(name: TimerName): boolean {
    return this.handles.has(name);
  }

  get running(): TimerName[] {
    return [...this.handles.keys()];
  }
}
