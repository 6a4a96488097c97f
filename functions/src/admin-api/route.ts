/**
 * What one admin API route is: method, path, who may call it, the zod
 * schemas of its body, query and reply (they validate requests and generate
 * the OpenAPI document, openapi.ts), and the action. An action returns the
 * reply and the changes it made; the handler writes the changes to the audit
 * log and publishes them on the bus (change-log.ts), so no action can forget.
 */
import type { z } from 'zod';
import type { AdminHttpEvent, AdminHttpResult } from '../../../contracts/http-event.js';
import type { Tenant } from '../directory/tenant.js';
import type { AdminApiDeps } from './admin-api-deps.js';
import type { Principal } from './principal.js';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/**
 * - public: no credentials (the OpenAPI document);
 * - any: any authenticated caller (what it sees depends on its role);
 * - tenant: the path's {tenant} must be reachable by the caller;
 * - system: the system role only.
 */
export type Access = 'public' | 'any' | 'tenant' | 'system';

/** What a change touched, for the audit log and the directory.changed event. */
export interface Change {
  /** Audit scope and event tenant; absent = system-level. */
  tenantId?: string;
  kind: 'tenant' | 'user' | 'trunk' | 'settings' | 'token' | 'ban' | 'import';
  id: string;
  op: 'created' | 'updated' | 'deleted';
  /** The API views before and after (never a secret). */
  before?: unknown;
  after?: unknown;
  /** Tenant changes: the domains touched. */
  domains?: readonly string[];
  /** Audit operation when "<kind>.<op>" does not say it (e.g. "seed.imported"). */
  operation?: string;
}

export interface RouteResult {
  response: AdminHttpResult;
  changes?: Change[];
}

export interface RouteContext<B = unknown, Q = unknown> {
  /** Path parameters, URI-decoded ({tenant}, {ext}, …). */
  params: Record<string, string>;
  body: B;
  query: Q;
  principal: Principal;
  /** The path's {tenant}, read (and found) before the action runs; undefined on paths without one. */
  tenant: Tenant | undefined;
  event: AdminHttpEvent;
  deps: AdminApiDeps;
}

export interface RouteDoc {
  summary: string;
  /** OpenAPI tag: the resource. */
  tag: string;
  /** Status and schema of the success reply (204: none). */
  success: { status: 200 | 201 | 204; schema?: z.ZodType; description?: string; csv?: boolean };
  /** Error statuses worth listing besides 400/401/403 (e.g. 404, 409). */
  errors?: readonly number[];
  /** The body schema to document when `body` only pre-checks it (import). */
  bodyDoc?: z.ZodType;
}

export interface Route<B = unknown, Q = unknown> extends RouteDoc {
  method: HttpMethod;
  /** Below /v1, with {name} parameters, e.g. /tenants/{tenant}/users/{ext}. */
  path: string;
  access: Access;
  body?: z.ZodType<B, unknown>;
  query?: z.ZodType<Q, unknown>;
  action(ctx: RouteContext<B, Q>): Promise<RouteResult>;
}

/** Keeps a route's body and query types while the table holds routes of every type. */
export function route<B = undefined, Q = Record<string, string | undefined>>(r: Route<B, Q>): Route {
  return r as unknown as Route;
}

/** The path's tenant; only for routes whose path has {tenant}. */
export function tenantOf(ctx: Pick<RouteContext, 'tenant'>): Tenant {
  if (!ctx.tenant) throw new Error('route without {tenant} asked for its tenant');
  return ctx.tenant;
}
