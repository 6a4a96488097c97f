import type { FunctionEvents, FunctionName, FunctionResults } from '../../../contracts/function-events.js';

/**
 * The edge's only way to reach a function (architecture: "Invoker" port).
 * In-process locally; Lambda Invoke in the cloud. Payloads are plain JSON.
 */
export interface Invoker {
  invoke<N extends FunctionName>(name: N, event: FunctionEvents[N]): Promise<FunctionResults[N]>;
}
