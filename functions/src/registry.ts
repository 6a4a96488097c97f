/**
 * Every function by its FunctionName, for the in-process invoker (local
 * runs). In the cloud each is its own Lambda bundle (functions/build.ts).
 */
import type { Context } from 'aws-lambda';
import type { FlowClosedEvent, FlowClosedResult, FunctionName, RegisterEvent, RegisterResult } from './contracts.js';
import { handler as flowClosedHandler } from './flow-closed/handler.js';
import { handler as registerHandler } from './register/handler.js';

export interface FunctionEvents {
  register: RegisterEvent;
  'flow-closed': FlowClosedEvent;
}

export interface FunctionResults {
  register: RegisterResult;
  'flow-closed': FlowClosedResult;
}

/** A Lambda-style handler (middy's `opts` argument is optional at runtime). */
export type FunctionHandler<N extends FunctionName> = (event: FunctionEvents[N], context: Context) => Promise<FunctionResults[N]>;

export const functionHandlers: { [N in FunctionName]: FunctionHandler<N> } = {
  register: registerHandler,
  'flow-closed': flowClosedHandler,
};
