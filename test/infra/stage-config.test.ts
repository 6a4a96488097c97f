import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { STAGE_CONTEXT_KEYS, StageConfigError, stageConfigFromContext } from '../../infra/stage-config.js';

const from = (context: Record<string, unknown>) => stageConfigFromContext((key) => context[key]);

describe('stage configuration from CDK context', () => {
  it('applies the documented defaults when the context is empty', () => {
    expect(from({})).toEqual({
      stage: 'dev',
      edgeDesiredCount: 1,
      edgeMaxCount: 4,
      edgeCpu: 512,
      edgeMemoryMiB: 1024,
      edgeFlowsPerTask: 2000,
      deletionProtection: false,
      tracing: false,
      logRetentionDays: 30,
      nonceSecretDelivery: 'secrets-extension',
      coreOnly: false,
      mediaBridge: true,
      rtpPortMin: 30000,
      rtpPortMax: 30999,
      rtpengineImage: 'build',
    });
  });

  it('reads -c overrides, which arrive as strings', () => {
    const config = from({
      'nimbus:stage': 'prod',
      'nimbus:domainName': 'PBX.Example.com',
      'nimbus:certificateArn': 'arn:aws:acm:eu-west-1:123456789012:certificate/abc-123',
      'nimbus:edgeDesiredCount': '2',
      'nimbus:edgeMaxCount': '10',
      'nimbus:deletionProtection': 'true',
      'nimbus:tracing': 'false',
      'nimbus:logRetentionDays': '90',
      'nimbus:coreOnly': 'true',
    });
    expect(config).toMatchObject({
      stage: 'prod',
      domainName: 'pbx.example.com',
      certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc-123',
      edgeDesiredCount: 2,
      edgeMaxCount: 10,
      deletionProtection: true,
      tracing: false,
      logRetentionDays: 90,
      coreOnly: true,
    });
  });

  it('names every bad key in one error', () => {
    let error: unknown;
    try {
      from({ 'nimbus:stage': 'Prod!', 'nimbus:certificateArn': 'not-an-arn', 'nimbus:logRetentionDays': '10', 'nimbus:edgeDesiredCount': '5', 'nimbus:edgeMaxCount': '2' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(StageConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/nimbus:stage: .*"Prod!"/);
    expect(message).toMatch(/nimbus:certificateArn: must be an ACM certificate ARN/);
    expect(message).toMatch(/nimbus:logRetentionDays: must be one of/);
    expect(message).toMatch(/nimbus:edgeMaxCount: must be ≥ nimbus:edgeDesiredCount \(5\)/);
  });

  it('is documented in cdk.json with a value for every key', () => {
    const context = (JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { context: Record<string, unknown> }).context;
    expect(Object.keys(context).filter((k) => k.startsWith('nimbus:')).sort()).toEqual([...STAGE_CONTEXT_KEYS].sort());
    expect(() => stageConfigFromContext((k) => context[k])).not.toThrow();
  });
});
