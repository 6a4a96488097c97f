/**
 * `npx cdk synth` as a user runs it (cdk.json → infra/bin/nimbus.ts), with no
 * AWS credentials and no Docker engine: functions are bundled by the local
 * esbuild, the edge image is only fingerprinted.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalDynamo, TEST_TABLE } from '../store/local-dynamo.js';
import { registerEvent, registerText, sipRequest } from '../unit/functions/fixtures.js';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');

let outDir: string;
let synth: { stdout: string; stderr: string };
let template: { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };

/** The environment of a machine without an AWS account. */
function offlineEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_') && !k.startsWith('CDK_')));
  return {
    ...env,
    AWS_CONFIG_FILE: join(outDir, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(outDir, 'no-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    CDK_DISABLE_VERSION_CHECK: '1',
    CDK_DISABLE_CLI_TELEMETRY: 'true',
  };
}

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'nimbus-cdk-out-'));
  synth = await run('npx', ['cdk', 'synth', '--quiet', '--no-notices', '-o', join(outDir, 'cdk.out')], {
    cwd: ROOT,
    env: offlineEnv(),
    maxBuffer: 32 * 1024 * 1024,
  });
  template = JSON.parse(readFileSync(join(outDir, 'cdk.out', 'Nimbus-dev.template.json'), 'utf8'));
}, 180_000);

afterAll(async () => {
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

/** The bundle file of the Lambda named `name` (its asset folder in cdk.out). */
function bundleFileOf(name: string): string {
  const fn = Object.values(template.Resources).find((r) => r.Type === 'AWS::Lambda::Function' && r.Properties.FunctionName === name);
  if (!fn) throw new Error(`no Lambda ${name}`);
  const key = (fn.Properties.Code as { S3Key: string }).S3Key;
  return join(outDir, 'cdk.out', `asset.${key.replace(/\.zip$/, '')}`, 'index.mjs');
}

const bundleOf = (name: string): string => readFileSync(bundleFileOf(name), 'utf8');

describe('npx cdk synth (offline, no credentials)', () => {
  it('writes the dev stage template with the default context of cdk.json', () => {
    expect(synth.stderr).not.toMatch(/docker/i);
    expect(Object.values(template.Resources).filter((r) => r.Type === 'AWS::DynamoDB::Table')).toHaveLength(1);
    expect(existsSync(join(outDir, 'cdk.out', 'manifest.json'))).toBe(true);
  });

  it('bundles each function into one ESM file with the createRequire banner', () => {
    const code = bundleOf('nimbus-dev-flow-closed');
    expect(code.startsWith("import { createRequire as __nimbusCreateRequire } from 'node:module'; const require = __nimbusCreateRequire(import.meta.url);\n")).toBe(true);
    expect(code).toMatch(/ConditionalCheckFailedException|flow-closed/);
  });

  it('bundles register behind the nonce-secret wrapper, which reads the secret through the extension', () => {
    const code = bundleOf('nimbus-dev-register');
    expect(code).toContain('/secretsmanager/get?secretId=');
    expect(code).toContain('X-Aws-Parameters-Secrets-Token');
    expect(code).toContain('WWW-Authenticate');
  });

  it('runs the register bundle: the secret comes from the extension on the first invocation, then it challenges', async () => {
    const db = await startLocalDynamo();
    // Stands in for the AWS Parameters and Secrets Lambda Extension.
    const asked: { url?: string; token?: string | string[] }[] = [];
    const extension = http.createServer((req, res) => {
      asked.push({ url: req.url, token: req.headers['x-aws-parameters-secrets-token'] });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ Name: 'nonce', SecretString: 'secret-from-the-extension-0123456789' }));
    });
    await new Promise<void>((done) => extension.listen(0, 'localhost', done));
    try {
      const script = `
        const { handler } = await import(${JSON.stringify(pathToFileURL(bundleFileOf('nimbus-dev-register')).href)});
        const result = await handler(JSON.parse(process.env.TEST_EVENT), { awsRequestId: 't', getRemainingTimeInMillis: () => 5000 });
        process.stdout.write(JSON.stringify(result));`;
      const request = sipRequest(registerText({ user: '1001', domain: 'acme.test', contacts: ['<sip:1001@198.51.100.7:5060>'] }));
      const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
        cwd: outDir,
        env: {
          PATH: process.env.PATH,
          TEST_EVENT: JSON.stringify(registerEvent(request)),
          PBX_NONCE_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:nonce-AbCdEf',
          AWS_SESSION_TOKEN: 'session-token-of-the-function',
          PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String((extension.address() as AddressInfo).port),
          PBX_DYNAMODB_ENDPOINT: db.endpoint,
          PBX_TABLE_NAME: TEST_TABLE,
          AWS_REGION: 'eu-west-1',
        },
      });
      expect((JSON.parse(stdout) as { reply: { status: number } }).reply.status).toBe(401);
      expect(asked).toEqual([
        { url: `/secretsmanager/get?secretId=${encodeURIComponent('arn:aws:secretsmanager:eu-west-1:123456789012:secret:nonce-AbCdEf')}`, token: 'session-token-of-the-function' },
      ]);
    } finally {
      extension.close();
      await db.close();
    }
  });

  it('stages the edge image context with the Dockerfile and without node_modules', () => {
    const assets = JSON.parse(readFileSync(join(outDir, 'cdk.out', 'Nimbus-dev.assets.json'), 'utf8')) as {
      dockerImages: Record<string, { source: { directory: string; dockerFile: string; platform?: string } }>;
    };
    const images = Object.values(assets.dockerImages);
    const image = images.find((i) => i.source.dockerFile === 'edge/Dockerfile');
    expect(image!.source).toMatchObject({ dockerFile: 'edge/Dockerfile', platform: 'linux/arm64' });
    const context = join(outDir, 'cdk.out', image!.source.directory);
    expect(existsSync(join(context, 'edge/Dockerfile'))).toBe(true);
    expect(existsSync(join(context, 'sip/parser.ts'))).toBe(true);
    expect(existsSync(join(context, 'node_modules'))).toBe(false);
    expect(existsSync(join(context, 'test'))).toBe(false);
  });

  it('stages the rtpengine sidecar image (infra/rtpengine/Dockerfile, the default nimbus:rtpengineImage) for ARM64, from its own folder', () => {
    const assets = JSON.parse(readFileSync(join(outDir, 'cdk.out', 'Nimbus-dev.assets.json'), 'utf8')) as {
      dockerImages: Record<string, { source: { directory: string; dockerFile?: string; platform?: string } }>;
    };
    const images = Object.values(assets.dockerImages).filter((i) => i.source.dockerFile !== 'edge/Dockerfile');
    expect(images).toHaveLength(1);
    expect(images[0]!.source).toMatchObject({ platform: 'linux/arm64' });
    const context = join(outDir, 'cdk.out', images[0]!.source.directory);
    expect(readFileSync(join(context, 'Dockerfile'), 'utf8')).toMatch(/apt-get install .*rtpengine-daemon/);
    expect(existsSync(join(context, 'package.json'))).toBe(false);
  });
});
