/**
 * Lambda entry of the registrar: validates the event and calls register().
 * Dependencies come from the environment on the first invocation (memoized,
 * see runtime-deps.ts); createRegisterHandler(deps) builds one with explicit
 * dependencies (tests). A deps factory is called on every invocation, so it
 * must be cheap.
 */
import middy from '@middy/core';
import type { RegisterEvent, RegisterResult } from '../../../contracts/function-events.js';
import { registerEventSchema } from '../../../contracts/function-event-schemas.js';
import { parseEvent } from '../runtime/parse-event.js';
import { memoizeByEnv, STORE_ENV, storesFromEnv, systemClock } from '../runtime/runtime-deps.js';
import { failToBanDepsFromEnv } from '../fail-to-ban/fail-to-ban-deps.js';
import { loadRegistrarSettings, REGISTRAR_ENV } from '../runtime/settings.js';
import { register, type RegisterDeps } from './register.js';

export function createRegisterHandler(deps: RegisterDeps | (() => RegisterDeps)) {
  const getDeps = typeof deps === 'function' ? deps : () => deps;
  return middy<RegisterEvent, RegisterResult>()
    .use(parseEvent(registerEventSchema))
    .handler(async (event) => register(event, getDeps()));
}

/** Register dependencies from the environment, rebuilt only when a variable they read changes. */
export const registerDepsFromEnv = memoizeByEnv([...STORE_ENV, ...REGISTRAR_ENV], (env): RegisterDeps => {
  const { directory, bindings, online } = storesFromEnv(env);
  return { directory, bindings, settings: loadRegistrarSettings(env), now: systemClock, failToBan: failToBanDepsFromEnv(env), online };
});

export const handler = createRegisterHandler(() => registerDepsFromEnv());
