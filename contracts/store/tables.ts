/**
 * DynamoDB table definitions, shared by the CDK stack (cloud) and the local
 * bootstrap (dynalite / DynamoDB Local). Pure data plus a converter: no I/O
 * here, so the CDK app can import it without pulling in SDK clients.
 *
 * Single-table design (item layout in functions/src/store/keys.ts):
 * every entity lives under a `pk`/`sk` pair; `gsi1` is reserved for
 * secondary access paths; `ttl` (epoch seconds) lets DynamoDB reap
 * expired bindings and flow index items.
 */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

export type AttributeType = 'S' | 'N' | 'B';

export interface KeyAttribute {
  readonly name: string;
  readonly type: AttributeType;
}

export interface GlobalSecondaryIndexDef {
  readonly indexName: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
}

export interface TableDef {
  /** Logical id (CDK construct id). */
  readonly id: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  readonly timeToLiveAttribute?: string;
  readonly globalSecondaryIndexes?: readonly GlobalSecondaryIndexDef[];
}

export const PBX_TABLE = {
  id: 'PbxTable',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  timeToLiveAttribute: 'ttl',
  globalSecondaryIndexes: [
    { indexName: 'gsi1', partitionKey: { name: 'gsi1pk', type: 'S' }, sortKey: { name: 'gsi1sk', type: 'S' } },
  ],
} as const satisfies TableDef;

/**
 * CreateTable input for a definition (on-demand billing). The TTL attribute
 * is not part of CreateTable: it is enabled separately (UpdateTimeToLive).
 */
export function toCreateTableInput(def: TableDef, tableName: string): CreateTableCommandInput {
  const attributes = new Map<string, AttributeType>();
  const declare = (a: KeyAttribute | undefined): void => {
    if (a) attributes.set(a.name, a.type);
  };
  declare(def.partitionKey);
  declare(def.sortKey);
  for (const gsi of def.globalSecondaryIndexes ?? []) {
    declare(gsi.partitionKey);
    declare(gsi.sortKey);
  }

  const keySchema = (pk: KeyAttribute, sk?: KeyAttribute) => [
    { AttributeName: pk.name, KeyType: 'HASH' as const },
    ...(sk ? [{ AttributeName: sk.name, KeyType: 'RANGE' as const }] : []),
  ];

  const gsis = def.globalSecondaryIndexes ?? [];
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...attributes].map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType })),
    KeySchema: keySchema(def.partitionKey, def.sortKey),
    ...(gsis.length > 0
      ? {
          GlobalSecondaryIndexes: gsis.map((gsi) => ({
            IndexName: gsi.indexName,
            KeySchema: keySchema(gsi.partitionKey, gsi.sortKey),
            Projection: { ProjectionType: 'ALL' as const },
          })),
        }
      : {}),
  };
}
