/**
 * Lambda entry of authorize-call: validates the event and calls
 * authorizeCall(). Dependencies as in register/handler.ts (memoized by the
 * environment variables they read); it needs the nonce settings to sign and
 * check its 407 challenges.
 */
import middy from '@middy/core';
import type { AuthorizeCallEvent, AuthorizeCallResult } from '../../../contracts/function-events.js';
import { authorizeCallEventSchema } from '../../../contracts/function-event-schemas.js';
import { parseEvent } from '../runtime/parse-event.js';
import { runtimeFromEnv, type FunctionsRuntime } from '../runtime/functions-runtime.js';
import { authorizeCall, type AuthorizeCallDeps } from './authorize-call.js';

export function createAuthorizeCallHandler(deps: AuthorizeCallDeps | (() => AuthorizeCallDeps)) {
  const getDeps = typeof deps === 'function' ? deps : () => deps;
  return middy<AuthorizeCallEvent, AuthorizeCallResult>()
    .use(parseEvent(authorizeCallEventSchema))
    .handler(async (event) => authorizeCall(event, getDeps()));
}

/** authorizeCall's dependencies, from the functions runtime. */
export function authorizeCallDeps(rt: FunctionsRuntime): AuthorizeCallDeps {
  const { bindings, callSlots, edges, carriedCalls, trunkUsage } = rt.stores;
  return { directory: rt.directory, bindings, slots: callSlots, edges, carriedCalls, trunks: rt.trunks, trunkUsage, settings: rt.registrar, now: rt.now, failToBan: rt.failToBan };
}

export const handler = createAuthorizeCallHandler(() => authorizeCallDeps(runtimeFromEnv()));
