/**
 * The SIP edge as a container: ECS Fargate (ARM64) in a VPC, behind a
 * Network Load Balancer that passes client addresses through (the edge
 * answers UDP per RFC 3581 and bans by source address, so it must see the
 * phone's address, not the NLB's).
 *
 * Listeners: SIP on 5060 as one TCP_UDP listener (an NLB cannot have a UDP
 * and a TCP listener on the same port; TCP_UDP is how it carries both), and
 * with a certificate TLS 443, terminated at the NLB and forwarded to the
 * container's WebSocket port (RFC 7118 WSS for browsers).
 *
 * The VPC has public subnets only and no NAT gateway (tasks get public IPs
 * to reach AWS APIs; a DynamoDB gateway endpoint is free): a NAT gateway
 * would be the largest idle cost of the stack. The same public IP is where
 * the media bridge (infra/media-sidecar.ts) receives RTP.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CfnOutput, Duration, IgnoreMode } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { EDGE_READABLE_PARTITIONS } from './function-catalog.js';
import { MediaSidecar } from './media-sidecar.js';
import type { PbxData } from './pbx-data.js';
import { functionPrefix, type StageConfig } from './stage-config.js';

export const SIP_PORT = 5060;
export const EDGE_HTTP_PORT = 8080;
export const WSS_PORT = 443;

export interface SipEdgeServiceProps {
  readonly config: StageConfig;
  readonly repoRoot: string;
  readonly data: PbxData;
  readonly bus: events.IEventBus;
  /** The functions the edge invokes; its role may invoke exactly these. */
  readonly invokable: readonly lambda.IFunction[];
}

/**
 * The Docker build context is the repository root (the edge bundles sip/ and
 * functions/ code). Its allowlist is edge/Dockerfile.dockerignore, which
 * BuildKit also applies to a plain `docker build -f edge/Dockerfile .`: only
 * what the image needs, so unrelated changes do not change the image hash
 * and synth does not fingerprint node_modules.
 */
export const IMAGE_IGNORE_FILE = 'edge/Dockerfile.dockerignore';

/** The patterns of the ignore file (comments and blank lines dropped). */
export function imageIgnorePatterns(repoRoot: string): string[] {
  return readFileSync(join(repoRoot, IMAGE_IGNORE_FILE), 'utf8')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** The container health check (ECS ignores the Dockerfile's HEALTHCHECK; this mirrors it). */
const HEALTH_PROBE = `fetch('http://127.0.0.1:${EDGE_HTTP_PORT}/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))`;

export class SipEdgeService extends Construct {
  readonly loadBalancer: elbv2.NetworkLoadBalancer;
  readonly service: ecs.FargateService;
  /** The edge's container (the stack adds settings that depend on other parts, e.g. the softphone's origin). */
  readonly container: ecs.ContainerDefinition;
  /** Host name phones and browsers use: the domain when configured, else the NLB's DNS name. */
  readonly publicHost: string;
  /** wss://…/ws when a certificate is configured. */
  readonly webSocketUrl?: string;
  /** rtpengine next to the edge, unless the stage turns the bridge off. */
  readonly media?: MediaSidecar;

  constructor(scope: Construct, id: string, props: SipEdgeServiceProps) {
    super(scope, id);
    const { config, data } = props;

    const vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 }],
      gatewayEndpoints: { DynamoDb: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB } },
    });
    const cluster = new ecs.Cluster(this, 'Cluster', { vpc, containerInsightsV2: ecs.ContainerInsights.DISABLED });

    this.loadBalancer = new elbv2.NetworkLoadBalancer(this, 'Nlb', {
      vpc,
      internetFacing: true,
      crossZoneEnabled: true,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
    });
    this.publicHost = config.domainName ?? this.loadBalancer.loadBalancerDnsName;

    const logGroup = new logs.LogGroup(this, 'Logs', { retention: config.logRetentionDays as logs.RetentionDays });
    const taskDefinition = new ecs.FargateTaskDefinition(this, 'Task', {
      cpu: config.edgeCpu,
      memoryLimitMiB: config.edgeMemoryMiB,
      runtimePlatform: { cpuArchitecture: ecs.CpuArchitecture.ARM64, operatingSystemFamily: ecs.OperatingSystemFamily.LINUX },
    });
    const container = (this.container = taskDefinition.addContainer('edge', {
      image: ecs.ContainerImage.fromAsset(props.repoRoot, {
        file: 'edge/Dockerfile',
        platform: Platform.LINUX_ARM64,
        ignoreMode: IgnoreMode.DOCKER,
        exclude: imageIgnorePatterns(props.repoRoot),
      }),
      logging: ecs.LogDrivers.awsLogs({ streamPrefix: 'edge', logGroup }),
      environment: {
        PBX_BIND: '0.0.0.0',
        PBX_SIP_PORT: String(SIP_PORT),
        PBX_HTTP_PORT: String(EDGE_HTTP_PORT),
        PBX_ADVERTISED_HOST: this.publicHost,
        PBX_INVOKER: 'lambda',
        PBX_FUNCTION_PREFIX: functionPrefix(config.stage),
        PBX_EVENT_BUS_NAME: props.bus.eventBusName,
        PBX_TABLE_NAME: data.table.tableName,
        PBX_LOG_LEVEL: 'info',
      },
      // Injected by ECS at start: the task definition holds only the ARN.
      secrets: { PBX_NONCE_SECRET: ecs.Secret.fromSecretsManager(data.nonceSecret) },
      portMappings: [
        { containerPort: SIP_PORT, protocol: ecs.Protocol.UDP },
        { containerPort: SIP_PORT, protocol: ecs.Protocol.TCP },
        { containerPort: EDGE_HTTP_PORT, protocol: ecs.Protocol.TCP },
      ],
      healthCheck: {
        command: ['CMD', 'node', '-e', HEALTH_PROBE],
        interval: Duration.seconds(30),
        timeout: Duration.seconds(5),
        retries: 3,
        startPeriod: Duration.seconds(20),
      },
      readonlyRootFilesystem: true,
      stopTimeout: Duration.seconds(30),
    }));

    const securityGroup = new ec2.SecurityGroup(this, 'TaskSecurityGroup', {
      vpc,
      description: 'Nimbus edge: SIP from anywhere (client addresses are preserved by the NLB)',
    });
    securityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.udp(SIP_PORT), 'SIP over UDP');
    securityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(SIP_PORT), 'SIP over TCP');
    securityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(EDGE_HTTP_PORT), 'SIP over WebSocket (from the TLS listener) and health checks');

    if (config.mediaBridge) {
      this.media = new MediaSidecar(this, 'Media', { config, repoRoot: props.repoRoot, taskDefinition, edge: container, securityGroup, logGroup });
    } else {
      // Without it the edge must not look for a local rtpengine: calls that need the bridge get 488 (docs/media.md).
      container.addEnvironment('PBX_RTPENGINE', 'off');
    }

    this.service = new ecs.FargateService(this, 'Service', {
      cluster,
      taskDefinition,
      desiredCount: config.edgeDesiredCount,
      assignPublicIp: true,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      securityGroups: [securityGroup],
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      circuitBreaker: { rollback: true },
      healthCheckGracePeriod: Duration.seconds(60),
    });

    const healthCheck: elbv2.HealthCheck = {
      protocol: elbv2.Protocol.HTTP,
      port: String(EDGE_HTTP_PORT),
      path: '/healthz',
      interval: Duration.seconds(10),
      healthyThresholdCount: 2,
      unhealthyThresholdCount: 2,
    };
    const sipListener = this.loadBalancer.addListener('Sip', { port: SIP_PORT, protocol: elbv2.Protocol.TCP_UDP });
    const sipTargets = sipListener.addTargets('SipTargets', {
      port: SIP_PORT,
      protocol: elbv2.Protocol.TCP_UDP,
      targets: [this.service.loadBalancerTarget({ containerName: container.containerName, containerPort: SIP_PORT, protocol: ecs.Protocol.TCP })],
      healthCheck,
      deregistrationDelay: Duration.seconds(30),
    });

    if (config.certificateArn) {
      const wss = this.loadBalancer.addListener('Wss', {
        port: WSS_PORT,
        protocol: elbv2.Protocol.TLS,
        certificates: [elbv2.ListenerCertificate.fromCertificateManager(acm.Certificate.fromCertificateArn(this, 'Certificate', config.certificateArn))],
        sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
        // WebSocket SIP flows are long-lived; match the edge's idle timeout (PBX_IDLE_TIMEOUT_SECONDS default).
        tcpIdleTimeout: Duration.seconds(900),
      });
      wss.addTargets('WsTargets', {
        port: EDGE_HTTP_PORT,
        protocol: elbv2.Protocol.TCP,
        targets: [this.service.loadBalancerTarget({ containerName: container.containerName, containerPort: EDGE_HTTP_PORT })],
        // Off by default for TCP to IP targets; the edge needs the browser's address (fail-to-ban).
        preserveClientIp: true,
        healthCheck,
        deregistrationDelay: Duration.seconds(30),
      });
      this.webSocketUrl = `wss://${this.publicHost}/ws`;
    }

    this.grantEdgeAccess(taskDefinition.taskRole, props);
    // The functions are updated before the edge that invokes them: a new edge
    // may send what only new functions read (release-call's `more`), and an
    // older function would ignore it and leave slots taken.
    for (const fn of props.invokable) this.service.node.addDependency(fn);
    this.addAutoscaling(config, sipTargets);

    new CfnOutput(this, 'LoadBalancerDns', { value: this.loadBalancer.loadBalancerDnsName, description: 'Point the SIP domain (CNAME) here' });
  }

  /** Invoke exactly the edge's functions, read only the ban data, publish call events, check the table for /healthz. */
  private grantEdgeAccess(role: iam.IRole, props: SipEdgeServiceProps): void {
    for (const fn of props.invokable) fn.grantInvoke(role);
    props.data.grantTable(role, ['dynamodb:GetItem', 'dynamodb:Query'], EDGE_READABLE_PARTITIONS);
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['dynamodb:DescribeTable'], resources: [props.data.table.tableArn] }));
    props.bus.grantPutEventsTo(role);
  }

  /**
   * CPU, and active flows per healthy task (TCP/TLS connections and UDP
   * flows): a SIP edge is often connection-bound, not CPU-bound.
   */
  private addAutoscaling(config: StageConfig, sipTargets: elbv2.NetworkTargetGroup): void {
    const scaling = this.service.autoScaleTaskCount({ minCapacity: config.edgeDesiredCount, maxCapacity: config.edgeMaxCount });
    scaling.scaleOnCpuUtilization('Cpu', {
      targetUtilizationPercent: 60,
      scaleOutCooldown: Duration.seconds(60),
      scaleInCooldown: Duration.minutes(5),
    });
    const flowsPerTask = new cloudwatch.MathExpression({
      label: 'Active flows per healthy edge task',
      expression: 'flows / MAX([tasks, 1])',
      usingMetrics: {
        flows: this.loadBalancer.metrics.activeFlowCount({ statistic: 'Average', period: Duration.minutes(1) }),
        tasks: sipTargets.metrics.healthyHostCount({ statistic: 'Minimum', period: Duration.minutes(1) }),
      },
      period: Duration.minutes(1),
    });
    const target = config.edgeFlowsPerTask;
    scaling.scaleOnMetric('Flows', {
      metric: flowsPerTask,
      adjustmentType: appscaling.AdjustmentType.CHANGE_IN_CAPACITY,
      scalingSteps: [
        { upper: Math.floor(target / 2), change: -1 },
        { lower: target, change: +1 },
        { lower: target * 2, change: +2 },
      ],
      cooldown: Duration.minutes(2),
      evaluationPeriods: 3,
    });
  }
}
