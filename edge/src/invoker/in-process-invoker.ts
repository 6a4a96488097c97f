import type { Context } from 'aws-lambda';
import type { FunctionEvents, FunctionName, FunctionResults } from '../../../contracts/function-events.js';
import type { Invoker } from './invoker.js';

/** The functions this process hosts, by name (the local stack builds them with functions/src/index.ts). */
export type InProcessFunctions = { [N in FunctionName]?: (event: FunctionEvents[N], context: Context) => Promise<FunctionResults[N]> };

/**
 * Calls the middy-wrapped Lambda handlers in this process. The event is
 * copied through JSON on the way in and out, exactly as Lambda would, so code
 * that only works because edge and function share objects fails here too.
 */
export class InProcessInvoker implements Invoker {
  constructor(private readonly functions: InProcessFunctions) {}

  async invoke<N extends FunctionName>(name: N, event: FunctionEvents[N]): Promise<FunctionResults[N]> {
    const handler = this.functions[name] as ((event: unknown, context: Context) => Promise<unknown>) | undefined;
    if (!handler) throw new Error(`function ${name} is not available in this build`);
    const result = await handler(JSON.parse(JSON.stringify(event)), lambdaContext(name));
    return JSON.parse(JSON.stringify(result ?? null)) as FunctionResults[N];
  }
}

/** The Context a Lambda handler gets, for a function hosted in this process (or its functions' thread). */
export function lambdaContext(name: string): Context {
  const deadline = Date.now() + 30_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `nimbus-${name}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:nimbus-${name}`,
    memoryLimitInMB: '256',
    awsRequestId: crypto.randomUUID(),
    logGroupName: `/local/nimbus-${name}`,
    logStreamName: 'in-process',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
