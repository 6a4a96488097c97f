/**
 * The OpenAPI 3.1 document of the admin API, generated from the route table
 * and its zod schemas (z.toJSONSchema, JSON Schema 2020-12 — the dialect of
 * OpenAPI 3.1), so the document cannot drift from what the API accepts.
 * Schemas with a `.meta({ id })` become components; the rest are inlined.
 * Pure; served at GET /v1/openapi.json.
 */
import { z } from 'zod';
import type { Route } from './route.js';

type JsonSchema = Record<string, unknown>;

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad input: the message names the field',
  401: 'Missing or wrong credentials',
  403: 'The caller may not do this (another tenant, or a system-only operation)',
  404: 'Unknown tenant, user, trunk, token or ban',
  405: 'Known path, other method',
  409: 'Conflict (exists already, domain of another tenant, realm change without passwords, …)',
};

const ACCESS_TEXT: Record<Route['access'], string> = {
  public: 'No credentials needed.',
  any: 'Any authenticated caller; the result depends on its role.',
  tenant: 'System role, or a tenant admin / tenant token of this tenant.',
  system: 'System role only.',
};

/** Converts one schema; its $defs go to `components`, refs are rewritten to point there. */
function toSchema(schema: z.ZodType, components: Record<string, JsonSchema>): JsonSchema {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  const { $schema: _dialect, $defs, ...rest } = json;
  for (const [id, def] of Object.entries(($defs ?? {}) as Record<string, JsonSchema>)) components[id] ??= relink(def);
  return relink(rest);
}

function relink(schema: JsonSchema): JsonSchema {
  return JSON.parse(JSON.stringify(schema).replaceAll('"#/$defs/', '"#/components/schemas/')) as JsonSchema;
}

/** /tenants/{tenant}/users/{ext} → its path parameters. */
function pathParameters(path: string) {
  return [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
}

function queryParameters(query: z.ZodType | undefined, components: Record<string, JsonSchema>) {
  if (!query) return [];
  const json = toSchema(query, components);
  const resolved = typeof json.$ref === 'string' ? components[json.$ref.split('/').pop()!]! : json;
  const required = new Set((resolved.required as string[] | undefined) ?? []);
  return Object.entries((resolved.properties ?? {}) as Record<string, JsonSchema>).map(([name, schema]) => ({
    name,
    in: 'query',
    required: required.has(name),
    schema,
    ...(typeof schema.description === 'string' ? { description: schema.description } : {}),
  }));
}

const errorRef = (status: number) => ({ $ref: `#/components/responses/E${status}` });

function operation(route: Route, components: Record<string, JsonSchema>) {
  const success = route.success;
  const content: Record<string, unknown> = {};
  if (success.schema) content['application/json'] = { schema: toSchema(success.schema, components) };
  if (success.csv) content['text/csv'] = { schema: { type: 'string' } };
  const bodySchema = route.bodyDoc ?? route.body;
  const errors = new Set<number>([...(bodySchema || route.query ? [400] : []), ...(route.access === 'public' ? [] : [401, 403]), ...(route.errors ?? [])]);
  return {
    summary: route.summary,
    description: ACCESS_TEXT[route.access],
    tags: [route.tag],
    operationId: `${route.method.toLowerCase()}${route.path.replace(/\{(\w+)\}/g, 'By-$1').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
    parameters: [...pathParameters(route.path), ...queryParameters(route.query, components)],
    ...(bodySchema ? { requestBody: { required: true, content: { 'application/json': { schema: toSchema(bodySchema, components) } } } } : {}),
    responses: {
      [String(success.status)]: { description: success.description ?? (success.status === 204 ? 'Done' : 'OK'), ...(Object.keys(content).length > 0 ? { content } : {}) },
      ...Object.fromEntries([...errors].sort().map((status) => [String(status), errorRef(status)])),
    },
    security: route.access === 'public' ? [] : [{ bearerToken: [] }, { cognitoJwt: [] }],
  };
}

export function openApiDocument(routes: readonly Route[]): Record<string, unknown> {
  const components: Record<string, JsonSchema> = {};
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operation(route, components);
  }
  const errorSchema = { type: 'object', properties: { error: { type: 'string' } }, required: ['error'] };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Nimbus PBX admin API',
      version: '1',
      description: 'Tenants, users, trunks, settings, bans, live state, tokens, audit log, CDRs and reports. Every endpoint and example: docs/admin.md.',
    },
    servers: [
      { url: '/api/v1', description: 'local stack (npm start), and the cloud for tenant tokens' },
      { url: '/admin/v1', description: 'cloud, behind the Cognito JWT authorizer' },
    ],
    paths,
    components: {
      schemas: components,
      responses: Object.fromEntries(
        Object.entries(STATUS_TEXT).map(([status, description]) => [`E${status}`, { description, content: { 'application/json': { schema: errorSchema } } }]),
      ),
      securitySchemes: {
        bearerToken: { type: 'http', scheme: 'bearer', description: 'PBX_ADMIN_TOKEN (system role) or a tenant token (nimbus_…)' },
        cognitoJwt: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Cognito ID or access token (cloud, /admin/v1)' },
      },
    },
  };
}
