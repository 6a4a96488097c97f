/**
 * The OpenAPI 3.1 document generated from the route table and its zod
 * schemas: every route is in it, every reference resolves, and the schemas
 * say what the API enforces (the same zod schemas validate the requests).
 */
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../../functions/src/admin-api/openapi.js';
import { ROUTES } from '../../../functions/src/admin-api/routes.js';
import { userCreateBody } from '../../../functions/src/admin-api/user-schemas.js';

const doc = openApiDocument(ROUTES) as {
  openapi: string;
  paths: Record<string, Record<string, { operationId: string; security: unknown[]; requestBody?: { content: Record<string, { schema: Record<string, unknown> }> }; responses: Record<string, unknown>; parameters: { name: string; in: string }[] }>>;
  components: { schemas: Record<string, Record<string, unknown>>; responses: Record<string, unknown> };
};

function refsIn(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => refsIn(v, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') out.push(v);
      else refsIn(v, out);
    }
  }
  return out;
}

describe('OpenAPI document', () => {
  it('is OpenAPI 3.1 with every route of the table, each with a unique operationId', () => {
    expect(doc.openapi).toBe('3.1.0');
    for (const route of ROUTES) expect(doc.paths[route.path]?.[route.method.toLowerCase()], `${route.method} ${route.path}`).toBeDefined();
    const ids = Object.values(doc.paths).flatMap((ops) => Object.values(ops).map((o) => o.operationId));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('resolves every $ref to a component', () => {
    const refs = refsIn(doc.paths).concat(refsIn(doc.components.schemas));
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of refs) {
      const [, , kind, name] = ref.split('/');
      expect((doc.components as Record<string, Record<string, unknown>>)[kind!]?.[name!], ref).toBeDefined();
    }
  });

  it('documents the user body from the zod schema: required fields, limits, unknown fields refused', () => {
    const body = doc.paths['/tenants/{tenant}/users']!.post!.requestBody!.content['application/json']!.schema;
    const schema = (body.$ref ? doc.components.schemas[String(body.$ref).split('/').pop()!] : body) as {
      required: string[]; properties: Record<string, Record<string, unknown>>; additionalProperties: unknown;
    };
    expect(schema.required.sort()).toEqual(['ext', 'password']);
    expect(schema.properties.maxDevices).toMatchObject({ type: 'integer', minimum: 1, maximum: 100, default: 3 });
    expect(schema.additionalProperties).toBe(false);
    // The same schema refuses what the document forbids.
    expect(userCreateBody.safeParse({ ext: '1', password: 'x', maxDevices: 101 }).success).toBe(false);
  });

  it('names path parameters, and asks for credentials everywhere but on itself', () => {
    const op = doc.paths['/tenants/{tenant}/users/{ext}']!.patch!;
    expect(op.parameters.map((p) => `${p.in}:${p.name}`)).toEqual(['path:tenant', 'path:ext']);
    expect(op.responses).toHaveProperty('404');
    expect(op.security).toEqual([{ bearerToken: [] }, { cognitoJwt: [] }]);
    expect(doc.paths['/openapi.json']!.get!.security).toEqual([]);
    expect(doc.paths['/tenants/{tenant}/users']!.get!.parameters.map((p) => p.name)).toEqual(['tenant', 'limit', 'cursor']);
  });
});
