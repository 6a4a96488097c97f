import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { FunctionEvents, FunctionName, FunctionResults } from '../../../contracts/function-events.js';
import type { Invoker } from './invoker.js';

/** A function ran and threw (Lambda's FunctionError): the payload names the error. */
export class FunctionInvocationError extends Error {
  override name = 'FunctionInvocationError';

  constructor(
    readonly functionName: string,
    readonly errorType: string,
    errorMessage: string,
  ) {
    super(`${functionName} failed: ${errorType}: ${errorMessage}`);
  }
}

/**
 * The cloud invoker: Lambda Invoke (RequestResponse) with the same JSON
 * event the in-process invoker hands a handler. Lambda names are
 * <prefix><function>, the prefix being the CDK stage's (PBX_FUNCTION_PREFIX).
 */
export class LambdaInvoker implements Invoker {
  constructor(
    private readonly client: Pick<LambdaClient, 'send'>,
    private readonly functionPrefix: string,
  ) {}

  async invoke<N extends FunctionName>(name: N, event: FunctionEvents[N]): Promise<FunctionResults[N]> {
    const functionName = `${this.functionPrefix}${name}`;
    const output = await this.client.send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: 'RequestResponse',
        Payload: new TextEncoder().encode(JSON.stringify(event)),
      }),
    );
    const text = output.Payload && output.Payload.length > 0 ? new TextDecoder().decode(output.Payload) : 'null';
    if (output.FunctionError) {
      // Unhandled: {"errorType": "...", "errorMessage": "..."}; anything else is reported as it came.
      const error = parseJson(text) as { errorType?: unknown; errorMessage?: unknown } | undefined;
      throw new FunctionInvocationError(
        functionName,
        typeof error?.errorType === 'string' ? error.errorType : output.FunctionError,
        typeof error?.errorMessage === 'string' ? error.errorMessage : text,
      );
    }
    return JSON.parse(text) as FunctionResults[N];
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export interface LambdaInvokerOptions {
  functionPrefix: string;
  /** LocalStack or a test stub; the regional endpoint when unset. */
  endpoint?: string;
}

/**
 * Short timeouts and one retry: a SIP transaction cannot wait for the SDK's
 * defaults (RFC 3261 §17.1.2.2: the client gives up after Timer F, 32 s).
 */
export function createLambdaInvoker(options: LambdaInvokerOptions): LambdaInvoker {
  const client = new LambdaClient({
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 2_000, requestTimeout: 12_000 },
  });
  return new LambdaInvoker(client, options.functionPrefix);
}
