/**
 * The whole PBX in one stack: data (table, secret), functions, the bus and
 * its rules, and unless `coreOnly` the edge service, the admin API and the
 * softphone site. Reads top to bottom as the architecture brief's table.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CfnOutput, Stack, Tags, type StackProps } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';
import { EVENT_ROUTES, type EventRoute } from '../contracts/bus/event-routes.js';
import { AdminApi } from './admin-api.js';
import { FUNCTION_CATALOG, type CatalogEntry } from './function-catalog.js';
import { PbxData } from './pbx-data.js';
import { PbxEventRouting } from './pbx-event-routing.js';
import { PbxFunctions } from './pbx-functions.js';
import { SipEdgeService } from './sip-edge-service.js';
import { SoftphoneSite } from './softphone-site.js';
import type { StageConfig } from './stage-config.js';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface NimbusStackProps extends StackProps {
  readonly config: StageConfig;
  /** Defaults to FUNCTION_CATALOG. */
  readonly catalog?: readonly CatalogEntry[];
  /** Defaults to EVENT_ROUTES (shared with the in-process bus). */
  readonly routes?: readonly EventRoute[];
  readonly repoRoot?: string;
  /** See PbxFunctionsProps (tests). */
  readonly entryExists?: (absolutePath: string) => boolean;
  readonly entryOverride?: (entry: CatalogEntry) => string | undefined;
}

export class NimbusStack extends Stack {
  readonly data: PbxData;
  readonly functions: PbxFunctions;
  readonly bus: events.EventBus;
  readonly edge?: SipEdgeService;

  constructor(scope: Construct, id: string, props: NimbusStackProps) {
    super(scope, id, props);
    const { config } = props;
    const catalog = props.catalog ?? FUNCTION_CATALOG;
    const repoRoot = props.repoRoot ?? REPO_ROOT;
    Tags.of(this).add('nimbus:stage', config.stage);

    this.data = new PbxData(this, 'Data', { stage: config.stage, deletionProtection: config.deletionProtection });
    this.bus = new events.EventBus(this, 'PbxBus', { eventBusName: `nimbus-${config.stage}` });
    this.functions = new PbxFunctions(this, 'Functions', {
      config,
      catalog,
      repoRoot,
      data: this.data,
      bus: this.bus,
      ...(props.entryExists ? { entryExists: props.entryExists } : {}),
      ...(props.entryOverride ? { entryOverride: props.entryOverride } : {}),
    });
    new PbxEventRouting(this, 'Routing', {
      bus: this.bus,
      routes: props.routes ?? EVENT_ROUTES,
      catalog,
      functions: this.functions.byName,
      logRetentionDays: config.logRetentionDays,
    });

    new CfnOutput(this, 'TableName', { value: this.data.table.tableName });
    new CfnOutput(this, 'EventBusName', { value: this.bus.eventBusName });
    new CfnOutput(this, 'NonceSecretArn', { value: this.data.nonceSecret.secretArn, description: 'Where the nonce secret is kept (not the secret)' });
    new CfnOutput(this, 'PendingFunctions', {
      value: this.functions.pending.length > 0 ? this.functions.pending.join(',') : '-',
      description: 'Catalog functions without a handler yet (not deployed)',
    });
    if (config.coreOnly) return;

    const invokable = catalog.filter((e) => e.trigger === 'edge').flatMap((e) => this.functions.byName.get(e.name) ?? []);
    this.edge = new SipEdgeService(this, 'Edge', { config, repoRoot, data: this.data, bus: this.bus, invokable });

    const adminHandler = catalog.find((e) => e.trigger === 'http');
    const adminFn = adminHandler && this.functions.byName.get(adminHandler.name);
    const admin = adminFn && new AdminApi(this, 'Admin', { stage: config.stage, handler: adminFn, retainUsers: config.deletionProtection });

    const site = new SoftphoneSite(this, 'Softphone', {
      sourceDir: builtSoftphone(repoRoot),
      // The console signs in with tenant tokens: the API's token route.
      ...(admin ? { adminConsoleDir: builtSite(repoRoot, 'web-admin'), adminApiUrl: `${admin.api.apiEndpoint}/api` } : {}),
      sipDomain: this.edge.publicHost,
      ...(this.edge.webSocketUrl ? { webSocketUrl: this.edge.webSocketUrl } : {}),
      retain: config.deletionProtection,
    });
    // The softphone's pages (on the CDN) may open SIP over WebSocket to the edge; other sites may not (Origin check).
    this.edge.container.addEnvironment('PBX_WS_ORIGINS', `https://${site.distribution.distributionDomainName}`);
    new CfnOutput(this, 'SipServer', { value: `${this.edge.publicHost}:5060 (UDP, TCP)` });
    if (this.edge.webSocketUrl) new CfnOutput(this, 'WebSocketUrl', { value: this.edge.webSocketUrl });
  }
}

/**
 * A static site as the CDN serves it: Vite's build output. Built here when
 * missing (about a second) so `cdk synth` works on a fresh clone.
 */
function builtSite(repoRoot: string, folder: 'web-softphone' | 'web-admin'): string {
  const dist = join(repoRoot, folder, 'dist');
  if (!existsSync(join(dist, 'index.html'))) {
    execFileSync('npx', ['vite', 'build', '--config', `${folder}/vite.config.ts`, '--logLevel', 'error'], { cwd: repoRoot, stdio: 'inherit' });
  }
  return dist;
}

const builtSoftphone = (repoRoot: string): string => builtSite(repoRoot, 'web-softphone');
