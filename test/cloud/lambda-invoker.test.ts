/**
 * The edge's cloud invoker: what it asks Lambda for, what it returns, how a
 * function error surfaces. First against a thin mock of the client, then
 * through the real SDK against a stub of the Lambda Invoke REST API.
 */
import type { InvokeCommand, InvokeCommandOutput } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FlowClosedEvent } from '../../contracts/function-events.js';
import { createLambdaInvoker, FunctionInvocationError, LambdaInvoker } from '../../edge/src/invoker/lambda-invoker.js';
import { startAwsStub, STUB_AWS_ENV, type AwsStub } from './aws-stub.js';

const FLOW_CLOSED: FlowClosedEvent = { type: 'flow-closed', edge: { id: 'edge-a', bootId: 'boot-1' }, flowId: 'tcp-7' };

const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

function mockClient(output: Partial<InvokeCommandOutput>) {
  const send = vi.fn(async (_command: InvokeCommand) => ({ StatusCode: 200, $metadata: {}, ...output }) as InvokeCommandOutput);
  return { client: { send } as unknown as ConstructorParameters<typeof LambdaInvoker>[0], send };
}

describe('LambdaInvoker with a mocked client', () => {
  it('invokes <prefix><function> synchronously with the event as the JSON payload', async () => {
    const { client, send } = mockClient({ Payload: bytes({ removedBindings: 2 }) as InvokeCommandOutput['Payload'] });
    const result = await new LambdaInvoker(client, 'nimbus-prod-').invoke('flow-closed', FLOW_CLOSED);
    expect(result).toEqual({ removedBindings: 2 });
    expect(send).toHaveBeenCalledOnce();
    const input = send.mock.calls[0]![0].input;
    expect(input.FunctionName).toBe('nimbus-prod-flow-closed');
    expect(input.InvocationType).toBe('RequestResponse');
    expect(JSON.parse(new TextDecoder().decode(input.Payload as Uint8Array))).toEqual(FLOW_CLOSED);
  });

  it('throws the function error with its type and message when the function failed', async () => {
    const { client } = mockClient({
      FunctionError: 'Unhandled',
      Payload: bytes({ errorType: 'SettingsError', errorMessage: 'PBX_NONCE_SECRET: is required', trace: [] }) as InvokeCommandOutput['Payload'],
    });
    const failure = new LambdaInvoker(client, 'nimbus-').invoke('flow-closed', FLOW_CLOSED);
    await expect(failure).rejects.toBeInstanceOf(FunctionInvocationError);
    await expect(failure).rejects.toMatchObject({
      functionName: 'nimbus-flow-closed',
      errorType: 'SettingsError',
      message: 'nimbus-flow-closed failed: SettingsError: PBX_NONCE_SECRET: is required',
    });
  });

  it('reports a function error whose payload is not JSON as it came', async () => {
    const { client } = mockClient({ FunctionError: 'Unhandled', Payload: new TextEncoder().encode('Task timed out') as InvokeCommandOutput['Payload'] });
    await expect(new LambdaInvoker(client, 'nimbus-').invoke('flow-closed', FLOW_CLOSED)).rejects.toThrow(
      'nimbus-flow-closed failed: Unhandled: Task timed out',
    );
  });
});

describe('createLambdaInvoker against a stub of the Lambda Invoke API', () => {
  let stub: AwsStub;

  beforeAll(async () => {
    for (const [k, v] of Object.entries(STUB_AWS_ENV)) vi.stubEnv(k, v);
    stub = await startAwsStub((name) =>
      name === 'nimbus-test-flow-closed' ? { payload: { removedBindings: 1 } } : { error: { errorType: 'Error', errorMessage: `no ${name}` } },
    );
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    await stub?.close();
  });

  it('POSTs the event to /2015-03-31/functions/<name>/invocations at the custom endpoint and returns the payload', async () => {
    const invoker = createLambdaInvoker({ functionPrefix: 'nimbus-test-', endpoint: stub.endpoint });
    await expect(invoker.invoke('flow-closed', FLOW_CLOSED)).resolves.toEqual({ removedBindings: 1 });
    expect(stub.invocations('nimbus-test-flow-closed')).toEqual([FLOW_CLOSED]);
  });

  it('turns X-Amz-Function-Error into a FunctionInvocationError', async () => {
    const invoker = createLambdaInvoker({ functionPrefix: 'nimbus-test-', endpoint: stub.endpoint });
    await expect(invoker.invoke('register', { type: 'register' } as never)).rejects.toThrow('nimbus-test-register failed: Error: no nimbus-test-register');
  });
});
