/**
 * The admin API's route table, by resource (each file lists its routes with
 * their access rule and zod schemas). Paths are below /v1; the mount prefix
 * (/api locally and for tokens in the cloud, /admin behind Cognito) is
 * stripped by route-match.ts. Every endpoint: docs/admin.md.
 */
import { AUDIT_ROUTES } from './audit-routes.js';
import { BAN_ROUTES } from './bans-routes.js';
import { LIVE_ROUTES } from './live-routes.js';
import { openApiDocument } from './openapi.js';
import { reply } from './replies.js';
import { REPORT_ROUTES } from './reports-routes.js';
import { route, type Route } from './route.js';
import { SEED_ROUTES } from './seed-routes.js';
import { SYSTEM_ROUTES } from './system-routes.js';
import { TENANT_ROUTES } from './tenants-routes.js';
import { TOKEN_ROUTES } from './tokens-routes.js';
import { TRUNK_ROUTES } from './trunks-routes.js';
import { USER_ROUTES } from './users-routes.js';

const API_ROUTES: readonly Route[] = [
  ...TENANT_ROUTES,
  ...USER_ROUTES,
  ...LIVE_ROUTES,
  ...TRUNK_ROUTES,
  ...TOKEN_ROUTES,
  ...SEED_ROUTES,
  ...AUDIT_ROUTES,
  ...REPORT_ROUTES,
  ...SYSTEM_ROUTES,
  ...BAN_ROUTES,
];

let document: Record<string, unknown> | undefined;

const openApi = route({
  method: 'GET',
  path: '/openapi.json',
  access: 'public',
  summary: 'This API as an OpenAPI 3.1 document, generated from its zod schemas',
  tag: 'API',
  success: { status: 200, description: 'The OpenAPI document' },
  action: async () => reply(200, (document ??= openApiDocument(ROUTES))),
});

export const ROUTES: readonly Route[] = [openApi, ...API_ROUTES];
