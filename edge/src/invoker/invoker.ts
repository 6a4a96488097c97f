import type {
  FlowClosedEvent,
  FlowClosedResult,
  FunctionName,
  RegisterEvent,
  RegisterResult,
} from '../../../functions/src/contracts.js';

/** What each function takes and returns; the invoker port is typed by it. */
export interface FunctionSignatures {
  register: { event: RegisterEvent; result: RegisterResult };
  'flow-closed': { event: FlowClosedEvent; result: FlowClosedResult };
}

/**
 * The edge's only way to reach a function (architecture: "Invoker" port).
 * In-process locally; Lambda Invoke in the cloud. Payloads are plain JSON.
 */
export interface Invoker {
  invoke<N extends FunctionName>(name: N, event: FunctionSignatures[N]['event']): Promise<FunctionSignatures[N]['result']>;
}
