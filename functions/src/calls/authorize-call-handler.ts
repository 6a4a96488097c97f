/**
 * Lambda entry of authorize-call: validates the event and calls
 * authorizeCall(). Dependencies as in register/handler.ts (memoized by the
 * environment variables they read); it needs the nonce settings to sign and
 * check its 407 challenges.
 */
import middy from '@middy/core';
import type { AuthorizeCallEvent, AuthorizeCallResult } from '../../../contracts/function-events.js';
import { failToBanDepsFromEnv } from '../fail-to-ban/fail-to-ban-deps.js';
import { authorizeCallEventSchema } from '../../../contracts/function-event-schemas.js';
import { parseEvent } from '../runtime/parse-event.js';
import { memoizeByEnv, STORE_ENV, storesFromEnv, systemClock } from '../runtime/runtime-deps.js';
import { loadRegistrarSettings, REGISTRAR_ENV } from '../runtime/settings.js';
import { authorizeCall, type AuthorizeCallDeps } from './authorize-call.js';

export function createAuthorizeCallHandler(deps: AuthorizeCallDeps | (() => AuthorizeCallDeps)) {
  const getDeps = typeof deps === 'function' ? deps : () => deps;
  return middy<AuthorizeCallEvent, AuthorizeCallResult>()
    .use(parseEvent(authorizeCallEventSchema))
    .handler(async (event) => authorizeCall(event, getDeps()));
}

/** authorize-call dependencies from the environment, rebuilt only when a variable they read changes. */
export const authorizeCallDepsFromEnv = memoizeByEnv([...STORE_ENV, ...REGISTRAR_ENV], (env): AuthorizeCallDeps => {
  const { directory, bindings, callSlots, edges, trunks, trunkUsage } = storesFromEnv(env);
  return {
    directory,
    bindings,
    slots: callSlots,
    edges,
    trunks,
    trunkUsage,
    settings: loadRegistrarSettings(env),
    now: systemClock,
    failToBan: failToBanDepsFromEnv(env),
  };
});

export const handler = createAuthorizeCallHandler(() => authorizeCallDepsFromEnv());
