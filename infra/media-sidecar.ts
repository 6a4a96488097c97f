/**
 * The media bridge of an edge task (docs/cloud.md "Media bridge"): rtpengine
 * as a sidecar container next to the edge. Fargate's awsvpc mode gives the
 * task one network namespace, so the edge reaches rtpengine's ng socket on
 * 127.0.0.1 and nothing outside the task can.
 *
 * Media does not pass the NLB (a listener per port cannot carry a 1,000-port
 * UDP range): phones and browsers send RTP straight to the task's public
 * IPv4 address, on the range opened here on the task's security group.
 *
 * rtpengine must write the public address into SDP but binds the private
 * one, and neither is known before the task runs, so the container starts
 * with a small shell script (SIDECAR_SCRIPT) that looks both up and then
 * execs rtpengine.
 */
import { join } from 'node:path';
import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { DEFAULT_NG_PORT } from '../contracts/settings/media-settings.js';
import { BUILD_RTPENGINE_IMAGE, type StageConfig } from './stage-config.js';

/** Where the edge finds rtpengine: loopback, shared by the task's containers. */
export const NG_ADDRESS = `127.0.0.1:${DEFAULT_NG_PORT}`;
/** rtpengine's HTTP listener, for the container health check (`GET /ping` → `pong`); below RTP_PORT_FLOOR. */
export const RTPENGINE_HTTP_PORT = 2225;
/**
 * Answers with the caller's public IPv4 address. The edge's subnets are
 * public with no NAT gateway, so the address a task's requests leave from
 * is the task's own public IP, the one phones must send RTP to.
 */
export const PUBLIC_IP_URL = 'https://checkip.amazonaws.com';
export const RTPENGINE_DOCKERFILE_DIR = 'infra/rtpengine';

/**
 * Run by /bin/sh in the sidecar. PBX_MEDIA_INTERFACE / PBX_MEDIA_ADVERTISED
 * (the names of contracts/settings/media-settings.ts) override the look-ups.
 * The private address is the task ENI's, from the ECS task metadata
 * endpoint (v4; no jq in the image, hence sed). Without both addresses it
 * exits: the sidecar is essential, so the task stops instead of running
 * calls with an SDP address nobody can reach.
 */
export const SIDECAR_SCRIPT = [
  'set -eu',
  'fetch() { curl -fsS --max-time 5 "$1" 2>/dev/null || wget -qO- -T 5 "$1"; }',
  `private="\${PBX_MEDIA_INTERFACE:-$(fetch "\${ECS_CONTAINER_METADATA_URI_V4:-}" | tr -d ' \\t\\r\\n' | sed -n 's/.*"IPv4Addresses":\\["\\([0-9.]*\\)".*/\\1/p')}"`,
  `public="\${PBX_MEDIA_ADVERTISED:-$(fetch "$PUBLIC_IP_URL" | tr -d ' \\t\\r\\n')}"`,
  'for ip in "$private" "$public"; do',
  `  echo "$ip" | grep -Eq '^[0-9]{1,3}([.][0-9]{1,3}){3}$' || { echo "rtpengine sidecar: no IPv4 address (private '$private', public '$public')" >&2; exit 1; }`,
  'done',
  'echo "rtpengine sidecar: RTP on $private, advertised as $public, ports $PBX_RTP_PORT_MIN-$PBX_RTP_PORT_MAX" >&2',
  // --config-file=none: the Debian package's /etc/rtpengine/rtpengine.conf must not add interfaces or listeners.
  'exec rtpengine --config-file=none --foreground --log-stderr --table=-1 --interface="$private!$public"' +
    ` --listen-ng=${NG_ADDRESS} --listen-http=127.0.0.1:${RTPENGINE_HTTP_PORT}` +
    ' --port-min="$PBX_RTP_PORT_MIN" --port-max="$PBX_RTP_PORT_MAX"',
].join('\n');

const HEALTH_PROBE = `curl -fsS http://127.0.0.1:${RTPENGINE_HTTP_PORT}/ping || wget -qO- http://127.0.0.1:${RTPENGINE_HTTP_PORT}/ping`;

export interface MediaSidecarProps {
  readonly config: StageConfig;
  readonly repoRoot: string;
  readonly taskDefinition: ecs.FargateTaskDefinition;
  /** The edge's container: gets the ng address and waits for rtpengine. */
  readonly edge: ecs.ContainerDefinition;
  /** The task's security group: gets the RTP range. */
  readonly securityGroup: ec2.SecurityGroup;
  readonly logGroup: logs.ILogGroup;
}

export class MediaSidecar extends Construct {
  readonly container: ecs.ContainerDefinition;

  constructor(scope: Construct, id: string, props: MediaSidecarProps) {
    super(scope, id);
    const { config } = props;
    const ports = { PBX_RTP_PORT_MIN: String(config.rtpPortMin), PBX_RTP_PORT_MAX: String(config.rtpPortMax) };

    this.container = props.taskDefinition.addContainer('rtpengine', {
      image:
        config.rtpengineImage === BUILD_RTPENGINE_IMAGE
          ? ecs.ContainerImage.fromAsset(join(props.repoRoot, RTPENGINE_DOCKERFILE_DIR), { platform: Platform.LINUX_ARM64 })
          : ecs.ContainerImage.fromRegistry(config.rtpengineImage),
      // Replaces the image's own entrypoint (public images have their own IP discovery, for EC2 hosts).
      entryPoint: ['/bin/sh', '-c'],
      command: [SIDECAR_SCRIPT],
      environment: { ...ports, PUBLIC_IP_URL },
      essential: true,
      logging: ecs.LogDrivers.awsLogs({ streamPrefix: 'rtpengine', logGroup: props.logGroup }),
      healthCheck: {
        command: ['CMD-SHELL', HEALTH_PROBE],
        interval: Duration.seconds(10),
        timeout: Duration.seconds(3),
        retries: 3,
        startPeriod: Duration.seconds(15),
      },
      // Userspace forwarding with logs on stderr writes no files.
      readonlyRootFilesystem: true,
      stopTimeout: Duration.seconds(30),
    });

    props.edge.addEnvironment('PBX_RTPENGINE_NG', NG_ADDRESS);
    for (const [name, value] of Object.entries(ports)) props.edge.addEnvironment(name, value);
    // HEALTHY, not START: the edge takes calls only once rtpengine answers, so the first mixed call gets media, not a 488.
    props.edge.addContainerDependencies({ container: this.container, condition: ecs.ContainerDependencyCondition.HEALTHY });

    // The VPC is IPv4-only (no IPv6 CIDR, tasks get no IPv6 address): IPv4 only.
    props.securityGroup.addIngressRule(
      ec2.Peer.anyIpv4(),
      ec2.Port.udpRange(config.rtpPortMin, config.rtpPortMax),
      'RTP and RTCP to rtpengine (media does not pass the NLB)',
    );
  }
}
