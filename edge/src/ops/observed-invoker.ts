/**
 * The invoker port with a meter on it: every function call is timed and its
 * event and result (or error) are handed to an observer — the metrics'
 * source for function latency, registrations and trunk slots. The observer
 * runs after the call and can never fail it.
 */
import type { FunctionEvents, FunctionName, FunctionResults } from '../../../contracts/function-events.js';
import type { Invoker } from '../invoker/invoker.js';

export type Invocation = {
  [N in FunctionName]: { name: N; event: FunctionEvents[N]; result?: FunctionResults[N]; error?: unknown; seconds: number };
}[FunctionName];

export class ObservedInvoker implements Invoker {
  constructor(
    private readonly inner: Invoker,
    private readonly observe: (invocation: Invocation) => void,
  ) {}

  async invoke<N extends FunctionName>(name: N, event: FunctionEvents[N]): Promise<FunctionResults[N]> {
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    let result: FunctionResults[N];
    try {
      result = await this.inner.invoke(name, event);
    } catch (error) {
      this.report({ name, event, error, seconds: seconds() } as Invocation);
      throw error;
    }
    this.report({ name, event, result, seconds: seconds() } as Invocation);
    return result;
  }

  private report(invocation: Invocation): void {
    try {
      this.observe(invocation);
    } catch {
      // metrics never break a call
    }
  }
}
