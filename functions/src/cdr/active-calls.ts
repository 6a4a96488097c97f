/**
 * The calls of a tenant in progress now, for the admin API: the open-call
 * index (cdr-repository.ts, one partition per edge) read for every edge
 * that has a heartbeat item, then each call's CDR for who calls whom and
 * how far the call got. A handful of Queries (one per edge) plus one GetItem
 * per active call: no Scan.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CallDirection, CallParty } from '../../../contracts/function-events.js';
import type { EdgeStatus } from '../edges/edge-registry.js';
import { queryAll } from '../../../contracts/store/query-all.js';
import type { CdrRecord } from './cdr-record.js';

export interface ActiveCall {
  callId: string;
  direction?: CallDirection;
  caller?: CallParty;
  callee?: CallParty;
  /** ISO-8601. */
  startTime: string;
  alertTime?: string;
  answerTime?: string;
  /** trying: no ringing yet; ringing: 180/183 seen; answered: in conversation. */
  state: 'trying' | 'ringing' | 'answered';
  trunkId?: string;
  /** The edge carrying the call, and whether it is alive (a dead edge's calls are closed by the reaper). */
  edgeId: string;
  edgeAlive: boolean;
}

export interface ActiveCallDeps {
  edges: { listEdges(now: number): Promise<EdgeStatus[]> };
  /** By the call's ref (contracts/call-ref.ts): one Call-ID may name several calls. */
  cdrs: { getCdr(tenantId: string, callRef: string): Promise<CdrRecord | undefined> };
  openCalls: TenantOpenCalls;
}

/** The open-call index entries of one tenant on one edge (sort key "<tenantId>#<callRef>"). */
export class TenantOpenCalls {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async list(edgeId: string, tenantId: string): Promise<{ callId: string; callRef: string; startTime: string }[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :tenant)',
      ExpressionAttributeValues: { ':pk': `OPENCALLS#${edgeId}`, ':tenant': `${tenantId}#` },
    });
    return items.flatMap((i) =>
      typeof i.callId === 'string'
        ? [{ callId: i.callId, callRef: typeof i.callRef === 'string' ? i.callRef : i.callId, startTime: typeof i.startTime === 'string' ? i.startTime : '' }]
        : [],
    );
  }
}

export function toActiveCall(open: { callId: string; startTime: string }, cdr: CdrRecord | undefined, edge: EdgeStatus): ActiveCall {
  const state = cdr?.answerTime ? 'answered' : cdr?.alertTime ? 'ringing' : 'trying';
  return {
    callId: open.callId,
    ...(cdr?.direction ? { direction: cdr.direction } : {}),
    ...(cdr?.caller ? { caller: cdr.caller } : {}),
    ...(cdr?.callee ? { callee: cdr.callee } : {}),
    startTime: cdr?.startTime ?? open.startTime,
    ...(cdr?.alertTime ? { alertTime: cdr.alertTime } : {}),
    ...(cdr?.answerTime ? { answerTime: cdr.answerTime } : {}),
    state,
    ...(cdr?.trunkId ? { trunkId: cdr.trunkId } : {}),
    edgeId: edge.edgeId,
    edgeAlive: edge.alive,
  };
}

/** Active calls of the tenant, oldest first. A call whose CDR is closed already (index clean-up pending) is left out. */
export async function listActiveCalls(deps: ActiveCallDeps, tenantId: string, now: number): Promise<ActiveCall[]> {
  const edges = await deps.edges.listEdges(now);
  const perEdge = await Promise.all(
    edges.map(async (edge) => {
      const open = await deps.openCalls.list(edge.edgeId, tenantId);
      const calls = await Promise.all(open.map(async (o) => ({ o, cdr: await deps.cdrs.getCdr(tenantId, o.callRef) })));
      return calls.filter(({ cdr }) => cdr?.state !== 'closed').map(({ o, cdr }) => toActiveCall(o, cdr, edge));
    }),
  );
  return perEdge.flat().sort((a, b) => a.startTime.localeCompare(b.startTime));
}
