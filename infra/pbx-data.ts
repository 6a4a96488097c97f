/**
 * The PBX's data: the single table (built from the same definition the local
 * stack creates, contracts/store/tables.ts) and the generated nonce secret. Grants go
 * through grantTable so every policy lists exact actions.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { DynamoDbAction } from './function-catalog.js';
import { PBX_TABLE, type KeyAttribute, type TableDef } from '../contracts/store/tables.js';

export interface PbxDataProps {
  readonly stage: string;
  /** Deletion protection on; the table and secret also survive a stack deletion. */
  readonly deletionProtection: boolean;
}

const ATTRIBUTE_TYPES: Record<KeyAttribute['type'], dynamodb.AttributeType> = {
  S: dynamodb.AttributeType.STRING,
  N: dynamodb.AttributeType.NUMBER,
  B: dynamodb.AttributeType.BINARY,
};

const attribute = (a: KeyAttribute): dynamodb.Attribute => ({ name: a.name, type: ATTRIBUTE_TYPES[a.type] });

export class PbxData extends Construct {
  readonly table: dynamodb.Table;
  /** HMAC key of the digest nonces and the edges' hop tokens (generated, never in the template). */
  readonly nonceSecret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: PbxDataProps) {
    super(scope, id);
    const def: TableDef = PBX_TABLE;
    const removalPolicy = props.deletionProtection ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.table = new dynamodb.Table(this, def.id, {
      partitionKey: attribute(def.partitionKey),
      ...(def.sortKey ? { sortKey: attribute(def.sortKey) } : {}),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      ...(def.timeToLiveAttribute ? { timeToLiveAttribute: def.timeToLiveAttribute } : {}),
      deletionProtection: props.deletionProtection,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      removalPolicy,
    });
    for (const gsi of def.globalSecondaryIndexes ?? []) {
      this.table.addGlobalSecondaryIndex({
        indexName: gsi.indexName,
        partitionKey: attribute(gsi.partitionKey),
        ...(gsi.sortKey ? { sortKey: attribute(gsi.sortKey) } : {}),
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }

    this.nonceSecret = new secretsmanager.Secret(this, 'NonceSecret', {
      description: `Nimbus PBX ${props.stage}: HMAC key of digest nonces and edge hop tokens`,
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
      removalPolicy,
    });
  }

  /**
   * Exactly `actions` on the table, and on its indexes when Query is among
   * them (DynamoDB authorizes an index query on the index ARN) unless
   * `partitions` limits the grant to items whose partition key is one of
   * those (base-table reads only).
   */
  grantTable(grantee: iam.IGrantable, actions: readonly DynamoDbAction[], partitions?: readonly string[]): void {
    const onIndexes = actions.includes('dynamodb:Query') && !partitions;
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [...actions].sort(),
        resources: [this.table.tableArn, ...(onIndexes ? [`${this.table.tableArn}/index/*`] : [])],
        ...(partitions ? { conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [...partitions] } } } : {}),
      }),
    );
  }
}
