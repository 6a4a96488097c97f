import { createDocumentClient } from '../../contracts/store/dynamo-client.js';
import { BindingRepository } from '../../functions/src/registration/binding-repository.js';
import { queryAll } from '../../contracts/store/query-all.js';
import type { Binding } from '../../functions/src/registration/binding.js';

/** Reads a user's live bindings through the real DynamoDB API of the store the stack uses. */
export async function readBindings(stack: { storeEndpoint: string }, tenantId: string, ext: string): Promise<Binding[]> {
  const doc = createDocumentClient({ endpoint: stack.storeEndpoint });
  try {
    const repo = new BindingRepository(doc, process.env.PBX_TABLE_NAME ?? 'nimbus-pbx');
    return (await repo.loadBindings({ tenantId, ext }, Date.now())).bindings;
  } finally {
    doc.destroy();
  }
}

/** A CDR as the cdr function stores it (the fields these tests look at). */
export interface StoredCdr {
  callId: string;
  direction?: string;
  caller?: { ext: string };
  callee?: { ext: string };
  answeredBy?: { contact: string };
  startTime?: string;
  alertTime?: string;
  answerTime?: string;
  endTime?: string;
  ringSeconds?: number;
  talkSeconds?: number;
  disposition?: string;
  status?: number;
  hangupBy?: string;
  state?: string;
  closedBy?: string;
  [key: string]: unknown;
}

/** Every CDR of a tenant, read with the real DynamoDB API (Query on the tenant's partition). */
export async function listCdrs(stack: { storeEndpoint: string }, tenantId: string): Promise<StoredCdr[]> {
  const doc = createDocumentClient({ endpoint: stack.storeEndpoint });
  try {
    return (await queryAll(doc, {
      TableName: process.env.PBX_TABLE_NAME ?? 'nimbus-pbx',
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :cdr)',
      ExpressionAttributeValues: { ':pk': `TENANT#${tenantId}`, ':cdr': 'CDR#' },
      ConsistentRead: true,
    })) as StoredCdr[];
  } finally {
    doc.destroy();
  }
}

/** Waits (CDRs are written asynchronously from bus events) for a CDR matching `match`. */
export async function waitForCdr(stack: { storeEndpoint: string }, tenantId: string, match: (cdr: StoredCdr) => boolean, timeoutMs = 5000): Promise<StoredCdr> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = (await listCdrs(stack, tenantId)).find(match);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no matching CDR within ${timeoutMs} ms; have: ${JSON.stringify(await listCdrs(stack, tenantId))}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
