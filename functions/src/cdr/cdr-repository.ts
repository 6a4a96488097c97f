/**
 * CDRs and the open-call index.
 *
 * | Item       | pk                   | sk                     | attributes |
 * |------------|----------------------|------------------------|------------|
 * | CDR        | TENANT#<tenantId>    | CDR#<callRef>          | see CdrRecord (callId, fromTag, callRef …); gsi1pk CDR#<tenantId>, gsi1sk <startTime>#<callRef> |
 * | open call  | OPENCALLS#<edgeId>   | <tenantId>#<callRef>   | tenantId, callId, callRef, bootId, startTime, slots |
 *
 * `callRef` is the PBX's identity of the call (contracts/call-ref.ts), not
 * the SIP Call-ID: two INVITEs with one Call-ID are two calls with two
 * CDRs. CDRs an earlier edge reported carry no callRef and are keyed by
 * their Call-ID (callRefOf).
 *
 * The open-call index lets the reaper find the calls of a dead edge with one
 * Query instead of a scan. Each CDR change is ONE UpdateItem built from a
 * CdrWrite (cdr/cdr-merge.ts), whose semantics applyCdrWrite mirrors.
 */
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CallSlot } from '../../../contracts/function-events.js';
import type { CdrWrite } from './cdr-merge.js';
import { cdrIndexPartition, type CdrRecord } from './cdr-record.js';
import type { ItemKey } from '../store/keys.js';
import { queryAll } from '../../../contracts/store/query-all.js';
import { callRefOf } from '../../../contracts/call-ref.js';

/** `callRef`: callRefOf (contracts/call-ref.ts). */
export const cdrKey = (tenantId: string, callRef: string): ItemKey => ({ pk: `TENANT#${tenantId}`, sk: `CDR#${callRef}` });

/** Tenant ids cannot contain '#' (seed-schema.ts), so the sort key splits at the first one. */
export const openCallKey = (edgeId: string, tenantId: string, callRef: string): ItemKey => ({
  pk: `OPENCALLS#${edgeId}`,
  sk: `${tenantId}#${callRef}`,
});

export interface OpenCall {
  edgeId: string;
  tenantId: string;
  callId: string;
  /** Absent for a call an earlier edge reported (keyed by its Call-ID). */
  callRef?: string;
  bootId: string;
  startTime: string;
  slots: CallSlot[];
}

export interface CdrStore {
  /** Applies the write; returns the record after it, or undefined when its guard did not hold (nothing changed). */
  applyWrite(write: CdrWrite): Promise<CdrRecord | undefined>;
  /**
   * Applies an unguarded write (a coalesced call.end) and returns the record BEFORE it
   * (undefined: there was none), so the caller knows whether an attempt was recorded earlier
   * (its edgeId) without a read; the record after it is applyCdrWrite(before, write).
   */
  applyWriteReturningOld(write: CdrWrite): Promise<CdrRecord | undefined>;
  /** `callRef`: callRefOf of the call. */
  getCdr(tenantId: string, callRef: string): Promise<CdrRecord | undefined>;
  /** CDRs of a tenant whose start time lies in [fromIso, toIso) — the reports' access path. */
  listCdrsByStartTime(tenantId: string, fromIso: string, toIso: string): Promise<CdrRecord[]>;
  putOpenCall(call: OpenCall): Promise<void>;
  deleteOpenCall(edgeId: string, tenantId: string, callRef: string): Promise<void>;
  /** Open calls carried by an edge; with `exceptBootId`, only those of its other (earlier) boots. */
  listOpenCalls(edgeId: string, exceptBootId?: string): Promise<OpenCall[]>;
}

const isConditionalCheckFailed = (err: unknown): boolean =>
  err instanceof Error && err.name === 'ConditionalCheckFailedException';

/** Attributes of a stored item that are not CDR fields. */
const KEY_ATTRIBUTES = ['pk', 'sk'];

function toCdrRecord(item: Record<string, unknown> | undefined): CdrRecord | undefined {
  if (!item) return undefined;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(item)) if (!KEY_ATTRIBUTES.includes(k)) out[k] = v;
  return out as unknown as CdrRecord;
}

/** The UpdateItem parameters equivalent to applyCdrWrite. */
export function toUpdateExpression(write: CdrWrite): {
  UpdateExpression: string;
  ConditionExpression?: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues: Record<string, unknown>;
} {
  const values: Record<string, unknown> = {};
  // Each attribute's placeholder by attribute, found without a scan (a CDR sets some thirty attributes).
  const placeholders = new Map<string, string>();
  let n = 0;
  const name = (attribute: string): string => {
    const existing = placeholders.get(attribute);
    if (existing) return existing;
    const placeholder = `#a${n++}`;
    placeholders.set(attribute, placeholder);
    return placeholder;
  };
  const value = (v: unknown): string => {
    const placeholder = `:v${n++}`;
    values[placeholder] = v;
    return placeholder;
  };

  const sets = [`${name('tenantId')} = ${value(write.tenantId)}`, `${name('callId')} = ${value(write.callId)}`];
  if (write.callRef !== undefined) sets.push(`${name('callRef')} = ${value(write.callRef)}`);
  for (const [k, v] of Object.entries(write.set)) sets.push(`${name(k)} = ${value(v)}`);
  for (const [k, v] of Object.entries(write.setIfAbsent)) sets.push(`${name(k)} = if_not_exists(${name(k)}, ${value(v)})`);
  let expression = `SET ${sets.join(', ')}`;
  if (write.remove.length > 0) expression += ` REMOVE ${write.remove.map(name).join(', ')}`;

  let condition: string | undefined;
  if (write.guard) {
    const state = name('state');
    condition = `(attribute_not_exists(${state}) OR ${state} <> ${value('closed')})`;
    const earlier = write.guard.kind === 'open-and-earlier' ? [write.guard] : write.guard.kind === 'open-and-earlier-each' ? write.guard.earlier : [];
    for (const e of earlier) {
      const a = name(e.attribute);
      condition += ` AND (attribute_not_exists(${a}) OR ${a} > ${value(e.value)})`;
    }
  }
  return {
    UpdateExpression: expression,
    ...(condition ? { ConditionExpression: condition } : {}),
    ExpressionAttributeNames: Object.fromEntries([...placeholders].map(([attribute, placeholder]) => [placeholder, attribute])),
    ExpressionAttributeValues: values,
  };
}

export class CdrRepository implements CdrStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async applyWrite(write: CdrWrite): Promise<CdrRecord | undefined> {
    try {
      const res = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: cdrKey(write.tenantId, callRefOf(write)),
          ...toUpdateExpression(write),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toCdrRecord(res.Attributes);
    } catch (err) {
      if (isConditionalCheckFailed(err)) return undefined;
      throw err;
    }
  }

  async applyWriteReturningOld(write: CdrWrite): Promise<CdrRecord | undefined> {
    if (write.guard) throw new Error('applyWriteReturningOld takes unguarded writes only (a refused guard would look like an absent record)');
    const res = await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: cdrKey(write.tenantId, callRefOf(write)),
        ...toUpdateExpression(write),
        ReturnValues: 'ALL_OLD',
      }),
    );
    return toCdrRecord(res.Attributes);
  }

  async getCdr(tenantId: string, callRef: string): Promise<CdrRecord | undefined> {
    const res = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: cdrKey(tenantId, callRef), ConsistentRead: true }));
    return toCdrRecord(res.Item);
  }

  async listCdrsByStartTime(tenantId: string, fromIso: string, toIso: string): Promise<CdrRecord[]> {
    const out: CdrRecord[] = [];
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      IndexName: 'gsi1',
      // gsi1sk is "<startTime>#<callRef>" and ISO times have a fixed width: a call that started at
      // `to` sorts after the bound "to" itself, so BETWEEN from AND to is exactly [from, to).
      KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': cdrIndexPartition(tenantId), ':from': fromIso, ':to': toIso },
    });
    for (const item of items) {
      const record = toCdrRecord(item);
      if (record) out.push(record);
    }
    return out;
  }

  async putOpenCall(call: OpenCall): Promise<void> {
    await this.doc.send(
      new PutCommand({ TableName: this.tableName, Item: { ...openCallKey(call.edgeId, call.tenantId, callRefOf(call)), ...call } }),
    );
  }

  async deleteOpenCall(edgeId: string, tenantId: string, callRef: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: openCallKey(edgeId, tenantId, callRef) }));
  }

  async listOpenCalls(edgeId: string, exceptBootId?: string): Promise<OpenCall[]> {
    const out: OpenCall[] = [];
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ...(exceptBootId !== undefined
        ? { FilterExpression: 'bootId <> :bootId', ExpressionAttributeValues: { ':pk': `OPENCALLS#${edgeId}`, ':bootId': exceptBootId } }
        : { ExpressionAttributeValues: { ':pk': `OPENCALLS#${edgeId}` } }),
      ConsistentRead: true,
    });
    for (const item of items) {
      if (typeof item.tenantId !== 'string' || typeof item.callId !== 'string') continue;
      out.push({
        edgeId,
        tenantId: item.tenantId,
        callId: item.callId,
        ...(typeof item.callRef === 'string' ? { callRef: item.callRef } : {}),
        bootId: typeof item.bootId === 'string' ? item.bootId : '',
        startTime: typeof item.startTime === 'string' ? item.startTime : '',
        slots: Array.isArray(item.slots) ? (item.slots as CallSlot[]) : [],
      });
    }
    return out;
  }
}
