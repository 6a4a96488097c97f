/**
 * Stage configuration of the CDK app, from CDK context (cdk.json "context",
 * overridden with `-c nimbus:<key>=<value>`). Every key has its default
 * here; docs/cloud.md mirrors this table. Context given on the command line
 * arrives as strings, so numbers and booleans are coerced; a bad value stops
 * the synth with a message naming the key.
 *
 * | context key                  | default           | meaning |
 * |------------------------------|-------------------|---------|
 * | nimbus:stage                 | dev               | stage name: stack `Nimbus-<stage>`, function names `nimbus-<stage>-<fn>` |
 * | nimbus:domainName            | (none)            | SIP domain / host name phones use (a DNS name you point at the NLB) |
 * | nimbus:certificateArn        | (none)            | ACM certificate for TLS 443 (WSS); without it there is no 443 listener |
 * | nimbus:edgeDesiredCount      | 1                 | edge tasks at deploy time (the autoscaling minimum) |
 * | nimbus:edgeMaxCount          | 4                 | autoscaling maximum |
 * | nimbus:edgeCpu               | 512               | Fargate CPU units per edge task |
 * | nimbus:edgeMemoryMiB         | 1024              | Fargate memory per edge task |
 * | nimbus:edgeFlowsPerTask      | 2000              | active flows (connections, UDP flows) per task before scaling out |
 * | nimbus:deletionProtection    | false             | DynamoDB deletion protection; also keeps the table and bucket on stack deletion |
 * | nimbus:tracing               | false             | X-Ray active tracing of the functions |
 * | nimbus:logRetentionDays      | 30                | retention of every log group (a CloudWatch Logs value: 1, 3, 5, 7, 14, 30, 60, 90, …) |
 * | nimbus:nonceSecretDelivery   | secrets-extension | how functions get the nonce secret: `secrets-extension` (Secrets Manager through the Lambda extension, never in the configuration) or `environment` (plaintext variable: LocalStack/dev only) |
 * | nimbus:coreOnly              | false             | only table, functions, bus and rules (no VPC, edge, API, softphone): what LocalStack Community can run |
 * | nimbus:mediaBridge           | true              | rtpengine sidecar in each edge task and the RTP port range open on the task (docs/cloud.md "Media bridge"); `false`: neither, calls that need the bridge get 488 |
 * | nimbus:rtpPortMin / rtpPortMax | 30000 / 30999   | UDP port range of the sidecar and of the task's security group (2 ports per plain leg, 1 per browser leg) |
 * | nimbus:rtpengineImage        | build             | `build`: the image of infra/rtpengine/Dockerfile (Debian's rtpengine-daemon, ARM64); else a public image reference with an ARM64 variant, /bin/sh, curl or wget, and rtpengine on PATH |
 */
import { z } from 'zod';
import { DEFAULT_NG_PORT } from '../contracts/settings/media-settings.js';

export interface StageConfig {
  stage: string;
  domainName?: string;
  certificateArn?: string;
  edgeDesiredCount: number;
  edgeMaxCount: number;
  edgeCpu: number;
  edgeMemoryMiB: number;
  edgeFlowsPerTask: number;
  deletionProtection: boolean;
  tracing: boolean;
  logRetentionDays: number;
  nonceSecretDelivery: 'secrets-extension' | 'environment';
  coreOnly: boolean;
  mediaBridge: boolean;
  rtpPortMin: number;
  rtpPortMax: number;
  /** `build` (infra/rtpengine/Dockerfile) or an image reference. */
  rtpengineImage: string;
}

/** `nimbus:rtpengineImage` value that builds infra/rtpengine/Dockerfile. */
export const BUILD_RTPENGINE_IMAGE = 'build';

/**
 * Lowest RTP port: the task's containers share one network namespace
 * (awsvpc), so the range must stay clear of the edge's SIP and HTTP ports
 * and rtpengine's health port, all below it. rtpengine's ng port (22222)
 * is above it and checked on its own.
 */
export const RTP_PORT_FLOOR = 10_000;

export class StageConfigError extends Error {
  override name = 'StageConfigError';
}

/** CPU units Fargate offers. */
const FARGATE_CPU = [256, 512, 1024, 2048, 4096, 8192, 16384];

/** Retention values CloudWatch Logs accepts. */
const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

const optionalText = z.preprocess((v) => (v === '' || v === null ? undefined : v), z.string().optional());
const bool = (fallback: boolean) =>
  z.preprocess((v) => (v === undefined || v === '' ? fallback : v === 'true' ? true : v === 'false' ? false : v), z.boolean());
const int = (fallback: number, min: number, max: number) =>
  z.preprocess((v) => (v === undefined || v === '' ? fallback : typeof v === 'string' ? Number(v) : v), z.number().int().min(min).max(max));

const schema = z
  .object({
    'nimbus:stage': z.preprocess(
      (v) => (v === undefined || v === '' ? 'dev' : v),
      z.string().regex(/^[a-z][a-z0-9-]{0,15}$/, { error: 'must be 1-16 of a-z 0-9 - starting with a letter' }),
    ),
    'nimbus:domainName': optionalText.pipe(
      z.string().regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i, { error: 'must be a DNS name such as pbx.example.com' }).optional(),
    ),
    'nimbus:certificateArn': optionalText.pipe(
      z.string().regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/, { error: 'must be an ACM certificate ARN' }).optional(),
    ),
    'nimbus:edgeDesiredCount': int(1, 1, 100),
    'nimbus:edgeMaxCount': int(4, 1, 100),
    'nimbus:edgeCpu': int(512, 256, 16384).refine((n) => FARGATE_CPU.includes(n), { error: `must be one of ${FARGATE_CPU.join(', ')}` }),
    'nimbus:edgeMemoryMiB': int(1024, 512, 30720),
    'nimbus:edgeFlowsPerTask': int(2000, 10, 1_000_000),
    'nimbus:deletionProtection': bool(false),
    'nimbus:tracing': bool(false),
    'nimbus:logRetentionDays': int(30, 1, 3653).refine((d) => LOG_RETENTION_DAYS.includes(d), { error: `must be one of ${LOG_RETENTION_DAYS.join(', ')}` }),
    'nimbus:nonceSecretDelivery': z.preprocess((v) => (v === undefined || v === '' ? 'secrets-extension' : v), z.enum(['secrets-extension', 'environment'])),
    'nimbus:coreOnly': bool(false),
    'nimbus:mediaBridge': bool(true),
    'nimbus:rtpPortMin': int(30_000, RTP_PORT_FLOOR, 65_535),
    'nimbus:rtpPortMax': int(30_999, RTP_PORT_FLOOR, 65_535),
    'nimbus:rtpengineImage': z.preprocess(
      (v) => (v === undefined || v === '' ? BUILD_RTPENGINE_IMAGE : v),
      z.string().regex(/^[a-z0-9][a-z0-9._/-]*(:[\w][\w.-]{0,127})?(@sha256:[a-f0-9]{64})?$/, {
        error: `must be "${BUILD_RTPENGINE_IMAGE}" or an image reference such as drachtio/rtpengine:latest`,
      }),
    ),
  })
  .superRefine((c, ctx) => {
    if (c['nimbus:edgeMaxCount'] < c['nimbus:edgeDesiredCount']) {
      ctx.addIssue({ code: 'custom', path: ['nimbus:edgeMaxCount'], message: `must be ≥ nimbus:edgeDesiredCount (${c['nimbus:edgeDesiredCount']})` });
    }
    const [min, max] = [c['nimbus:rtpPortMin'], c['nimbus:rtpPortMax']];
    // Each plain leg takes an even RTP port and the next one for RTCP: fewer than 4 ports cannot carry a bridged call.
    if (max - min < 3) {
      ctx.addIssue({ code: 'custom', path: ['nimbus:rtpPortMax'], message: `must be at least nimbus:rtpPortMin + 3 (${min + 3}): 4 ports or more` });
    }
    if (min <= DEFAULT_NG_PORT && DEFAULT_NG_PORT <= max) {
      ctx.addIssue({ code: 'custom', path: ['nimbus:rtpPortMin'], message: `the range ${min}-${max} must not contain rtpengine's ng port ${DEFAULT_NG_PORT}` });
    }
  });

export const STAGE_CONTEXT_KEYS = Object.keys(schema.shape) as (keyof z.input<typeof schema>)[];

/** Reads the stage from CDK context (`node.tryGetContext`) or any key → value lookup. */
export function stageConfigFromContext(get: (key: string) => unknown): StageConfig {
  const raw = Object.fromEntries(STAGE_CONTEXT_KEYS.map((k) => [k, get(k)]));
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => {
      const key = String(i.path[0] ?? '(context)');
      return `${key}: ${i.message} (got ${JSON.stringify(raw[key])})`;
    });
    throw new StageConfigError(`Invalid stage configuration:\n  ${problems.join('\n  ')}`);
  }
  const c = parsed.data;
  return {
    stage: c['nimbus:stage'],
    ...(c['nimbus:domainName'] ? { domainName: c['nimbus:domainName'].toLowerCase() } : {}),
    ...(c['nimbus:certificateArn'] ? { certificateArn: c['nimbus:certificateArn'] } : {}),
    edgeDesiredCount: c['nimbus:edgeDesiredCount'],
    edgeMaxCount: c['nimbus:edgeMaxCount'],
    edgeCpu: c['nimbus:edgeCpu'],
    edgeMemoryMiB: c['nimbus:edgeMemoryMiB'],
    edgeFlowsPerTask: c['nimbus:edgeFlowsPerTask'],
    deletionProtection: c['nimbus:deletionProtection'],
    tracing: c['nimbus:tracing'],
    logRetentionDays: c['nimbus:logRetentionDays'],
    nonceSecretDelivery: c['nimbus:nonceSecretDelivery'],
    coreOnly: c['nimbus:coreOnly'],
    mediaBridge: c['nimbus:mediaBridge'],
    rtpPortMin: c['nimbus:rtpPortMin'],
    rtpPortMax: c['nimbus:rtpPortMax'],
    rtpengineImage: c['nimbus:rtpengineImage'],
  };
}

/** Lambda names are <prefix><function name>; the edge gets the prefix as PBX_FUNCTION_PREFIX. */
export const functionPrefix = (stage: string): string => `nimbus-${stage}-`;
