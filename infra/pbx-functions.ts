/**
 * One Lambda per catalog entry (infra/function-catalog.ts): bundled with the
 * locally installed esbuild (NodejsFunction, never Docker), Node.js 22 on
 * ARM64, JSON logs in a log group with retention, exactly the table actions
 * of its entry, the bus only when it publishes, the nonce secret only when it
 * needs it.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { CatalogEntry } from './function-catalog.js';
import type { PbxData } from './pbx-data.js';
import { functionPrefix, type StageConfig } from './stage-config.js';

/** A function's timeout: its catalog entry's, else 30 s. */
export const functionTimeoutSeconds = (entry: Pick<CatalogEntry, 'timeoutSeconds'> | undefined): number => entry?.timeoutSeconds ?? 30;

export interface PbxFunctionsProps {
  readonly config: StageConfig;
  readonly catalog: readonly CatalogEntry[];
  /** Absolute path of the repository (entries and package-lock.json are relative to it). */
  readonly repoRoot: string;
  readonly data: PbxData;
  readonly bus: events.IEventBus;
  /** Whether a handler file exists; tests may pretend. Defaults to fs.existsSync. */
  readonly entryExists?: (absolutePath: string) => boolean;
  /** Handler file to bundle instead of the entry's own (tests: a stub for handlers not written yet). */
  readonly entryOverride?: (entry: CatalogEntry) => string | undefined;
}

/**
 * ESM output has no `require`; CommonJS dependencies bundled into it call it
 * for Node built-ins (same banner as functions/build.ts).
 */
const REQUIRE_BANNER =
  "import { createRequire as __nimbusCreateRequire } from 'node:module'; const require = __nimbusCreateRequire(import.meta.url);";

/** Bundled in front of handlers that need the nonce secret (see the file). */
const NONCE_SECRET_WRAPPER = 'infra/lambda/with-nonce-secret.ts';

const pascal = (name: string) => name.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase());

export class PbxFunctions extends Construct {
  /** Created functions by catalog name. */
  readonly byName: ReadonlyMap<string, NodejsFunction>;
  /** Catalog entries without a handler yet: no Lambda until the file lands. */
  readonly pending: readonly string[];

  constructor(scope: Construct, id: string, props: PbxFunctionsProps) {
    super(scope, id);
    const { config, data, bus } = props;
    const exists = props.entryExists ?? existsSync;
    const byName = new Map<string, NodejsFunction>();
    const pending: string[] = [];

    for (const entry of props.catalog) {
      const handlerFile = props.entryOverride?.(entry) ?? entry.entry;
      // The catalog lists functions other engineers are still writing: only
      // entries whose handler exists become Lambdas, so the app grows as
      // handlers land and `cdk synth` never fails on a missing file.
      if (!exists(join(props.repoRoot, handlerFile))) {
        pending.push(entry.name);
        continue;
      }
      const fnId = pascal(entry.name);
      const useSecretExtension = entry.needsNonceSecret && config.nonceSecretDelivery === 'secrets-extension';
      const logGroup = new logs.LogGroup(this, `${fnId}Logs`, {
        retention: config.logRetentionDays as logs.RetentionDays,
        removalPolicy: RemovalPolicy.DESTROY,
      });
      const fn = new NodejsFunction(this, fnId, {
        functionName: `${functionPrefix(config.stage)}${entry.name}`,
        description: entry.description,
        entry: join(props.repoRoot, useSecretExtension ? NONCE_SECRET_WRAPPER : handlerFile),
        handler: 'handler',
        runtime: lambda.Runtime.NODEJS_22_X,
        architecture: lambda.Architecture.ARM_64,
        memorySize: entry.memoryMiB ?? 256,
        timeout: Duration.seconds(functionTimeoutSeconds(entry)),
        projectRoot: props.repoRoot,
        depsLockFilePath: join(props.repoRoot, 'package-lock.json'),
        bundling: {
          forceDockerBundling: false,
          format: OutputFormat.ESM,
          target: 'node22',
          mainFields: ['module', 'main'],
          banner: REQUIRE_BANNER,
          // Bundle everything, the SDK included (as functions/build.ts does).
          externalModules: [],
          minify: true,
          sourceMap: true,
          sourcesContent: false,
          ...(useSecretExtension ? { esbuildArgs: { '--alias:nimbus-function-handler': `./${handlerFile}` } } : {}),
        },
        environment: {
          NODE_OPTIONS: '--enable-source-maps',
          PBX_TABLE_NAME: data.table.tableName,
          ...(entry.publishesToBus ? { PBX_EVENT_BUS_NAME: bus.eventBusName } : {}),
          // In the cloud a private address is the PBX's own network: no registration may point there.
          ...(entry.name === 'register' ? { PBX_PRIVATE_CONTACTS: 'deny' } : {}),
          ...(entry.needsNonceSecret
            ? useSecretExtension
              ? { PBX_NONCE_SECRET_ARN: data.nonceSecret.secretArn }
              : // nimbus:nonceSecretDelivery=environment (LocalStack, dev): plaintext in the function's configuration.
                { PBX_NONCE_SECRET: data.nonceSecret.secretValue.unsafeUnwrap() }
            : {}),
        },
        ...(useSecretExtension
          ? { paramsAndSecrets: lambda.ParamsAndSecretsLayerVersion.fromVersion(lambda.ParamsAndSecretsVersions.V1_0_103, { cacheSize: 10 }) }
          : {}),
        logGroup,
        loggingFormat: lambda.LoggingFormat.JSON,
        applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
        systemLogLevelV2: lambda.SystemLogLevel.WARN,
        tracing: config.tracing ? lambda.Tracing.ACTIVE : lambda.Tracing.DISABLED,
      });
      data.grantTable(fn, entry.table.actions);
      if (entry.publishesToBus) bus.grantPutEventsTo(fn);
      if (useSecretExtension) data.nonceSecret.grantRead(fn);
      byName.set(entry.name, fn);
    }
    this.byName = byName;
    this.pending = pending;
  }
}
