/**
 * Lambda entry of the registrar: validates the event and calls register().
 * Dependencies come from the environment on the first invocation (memoized,
 * see runtime/functions-runtime.ts); createRegisterHandler(deps) builds one with explicit
 * dependencies (tests). A deps factory is called on every invocation, so it
 * must be cheap.
 */
import middy from '@middy/core';
import type { RegisterEvent, RegisterResult } from '../../../contracts/function-events.js';
import { registerEventSchema } from '../../../contracts/function-event-schemas.js';
import { parseEvent } from '../runtime/parse-event.js';
import { runtimeFromEnv, type FunctionsRuntime } from '../runtime/functions-runtime.js';
import { register, type RegisterDeps } from './register.js';

export function createRegisterHandler(deps: RegisterDeps | (() => RegisterDeps)) {
  const getDeps = typeof deps === 'function' ? deps : () => deps;
  return middy<RegisterEvent, RegisterResult>()
    .use(parseEvent(registerEventSchema))
    .handler(async (event) => register(event, getDeps()));
}

/** register's dependencies, from the functions runtime. */
export function registerDeps(rt: FunctionsRuntime): RegisterDeps {
  return { directory: rt.registrarDirectory, bindings: rt.stores.bindings, settings: rt.registrar, now: rt.now, failToBan: rt.failToBan };
}

export const handler = createRegisterHandler(() => registerDeps(runtimeFromEnv()));
