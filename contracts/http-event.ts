/**
 * The API Gateway HTTP API (payload format 2.0) event and result, reduced to
 * what the admin API reads. The local stack builds the same shape from a Node
 * HTTP request (edge/src/http/admin-api-bridge.ts), so one handler serves both.
 */
export interface AdminHttpEvent {
  routeKey?: string;
  rawPath: string;
  rawQueryString?: string;
  /** Header names are lower-case in payload 2.0. */
  headers?: Record<string, string | undefined>;
  queryStringParameters?: Record<string, string | undefined>;
  body?: string;
  isBase64Encoded?: boolean;
  requestContext?: {
    http?: { method?: string };
    /** Set by API Gateway's JWT authorizer (Cognito) in the cloud; never by the local bridge. */
    authorizer?: { jwt?: { claims?: Record<string, unknown> } };
  };
}

export interface AdminHttpResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export function jsonResult(statusCode: number, value: unknown): AdminHttpResult {
  return { statusCode, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }, body: JSON.stringify(value) };
}

export function csvResult(body: string, filename: string): AdminHttpResult {
  return {
    statusCode: 200,
    headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${filename}"`, 'cache-control': 'no-store' },
    body,
  };
}

export const errorResult = (statusCode: number, message: string, extraHeaders: Record<string, string> = {}): AdminHttpResult => {
  const result = jsonResult(statusCode, { error: message });
  return { ...result, headers: { ...result.headers, ...extraHeaders } };
};

/** ?format=csv, else an Accept header that asks for text/csv. */
export function wantsCsv(event: AdminHttpEvent): boolean {
  const format = event.queryStringParameters?.format;
  if (format !== undefined) return format.toLowerCase() === 'csv';
  return /\btext\/csv\b/i.test(event.headers?.accept ?? '');
}

export function requestBody(event: AdminHttpEvent): string {
  if (event.body === undefined) return '';
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}
