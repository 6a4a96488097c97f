/**
 * The media bridge in the edge task (infra/media-sidecar.ts): rtpengine as
 * a sidecar with its ng socket on the task's loopback, the edge pointed at
 * it, the RTP range open on the task's security group, the stage switch
 * that removes all of it, and port ranges the stage refuses. Then the
 * sidecar's start script from the template, run against the rtpengine of
 * this machine with stand-ins for the ECS metadata endpoint and the
 * public-IP service (when rtpengine is installed).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMediaSettings } from '../../contracts/settings/media-settings.js';
import { SIP_PORT, EDGE_HTTP_PORT } from '../../infra/sip-edge-service.js';
import { NG_ADDRESS, PUBLIC_IP_URL, RTPENGINE_HTTP_PORT } from '../../infra/media-sidecar.js';
import { RTP_PORT_FLOOR, StageConfigError, stageConfigFromContext } from '../../infra/stage-config.js';
import { resourcesOf, synthStack } from './synth-stack.js';

interface Container {
  Name: string;
  Image: unknown;
  EntryPoint?: string[];
  Command?: string[];
  Essential?: boolean;
  Environment?: { Name: string; Value: unknown }[];
  DependsOn?: { ContainerName: string; Condition: string }[];
  HealthCheck?: { Command: string[] };
  LogConfiguration?: { LogDriver: string; Options: Record<string, unknown> };
  ReadonlyRootFilesystem?: boolean;
}

const containersOf = (template: Template): Container[] => {
  const tasks = resourcesOf(template, 'AWS::ECS::TaskDefinition');
  expect(tasks).toHaveLength(1);
  return tasks[0]![1].ContainerDefinitions as Container[];
};
const named = (template: Template, name: string): Container | undefined => containersOf(template).find((c) => c.Name === name);
const envOf = (c: Container | undefined): Record<string, unknown> => Object.fromEntries((c?.Environment ?? []).map((v) => [v.Name, v.Value]));
const udpIngress = (template: Template) =>
  resourcesOf(template, 'AWS::EC2::SecurityGroup')
    .flatMap(([, p]) => (p.SecurityGroupIngress ?? []) as { IpProtocol: string; FromPort: number; ToPort: number; CidrIp?: string; CidrIpv6?: string }[])
    .filter((r) => r.IpProtocol === 'udp');

let bridged: Template;
let custom: Template;
let off: Template;

beforeAll(() => {
  bridged = synthStack({ context: { 'nimbus:stage': 'media' }, stubMissingHandlers: true }).template;
  custom = synthStack({
    context: { 'nimbus:stage': 'media2', 'nimbus:rtpPortMin': '40000', 'nimbus:rtpPortMax': '40099', 'nimbus:rtpengineImage': 'drachtio/rtpengine:latest' },
    stubMissingHandlers: true,
  }).template;
  off = synthStack({ context: { 'nimbus:stage': 'nomedia', 'nimbus:mediaBridge': 'false' }, stubMissingHandlers: true }).template;
}, 120_000);

describe('rtpengine sidecar (default stage)', () => {
  it('runs rtpengine next to the edge, essential, userspace only, with the ng socket on the task loopback and the range from its environment', () => {
    const sidecar = named(bridged, 'rtpengine');
    expect(sidecar).toBeDefined();
    expect(sidecar!.Essential).toBe(true);
    expect(sidecar!.EntryPoint).toEqual(['/bin/sh', '-c']);
    const script = sidecar!.Command![0]!;
    expect(sidecar!.Command).toHaveLength(1);
    const exec = script.split('\n').find((l) => l.startsWith('exec rtpengine '));
    expect(exec).toBeDefined();
    for (const flag of [
      '--foreground',
      '--log-stderr',
      '--table=-1',
      '--config-file=none',
      '--interface="$private!$public"',
      '--listen-ng=127.0.0.1:22222',
      '--port-min="$PBX_RTP_PORT_MIN"',
      '--port-max="$PBX_RTP_PORT_MAX"',
    ]) {
      expect(exec!.split(' ')).toContain(flag);
    }
    expect(envOf(sidecar)).toEqual({ PBX_RTP_PORT_MIN: '30000', PBX_RTP_PORT_MAX: '30999', PUBLIC_IP_URL: 'https://checkip.amazonaws.com' });
    expect(sidecar!.HealthCheck!.Command).toEqual(['CMD-SHELL', expect.stringContaining(`http://127.0.0.1:${RTPENGINE_HTTP_PORT}/ping`)]);
    expect(sidecar!.ReadonlyRootFilesystem).toBe(true);
  });

  it('builds its image from infra/rtpengine by default (an ECR asset, not a public image)', () => {
    expect(JSON.stringify(named(bridged, 'rtpengine')!.Image)).toMatch(/cdk-.*-container-assets-/);
  });

  it('logs to the edge\'s log group under its own stream prefix', () => {
    const edge = named(bridged, 'edge')!;
    const sidecar = named(bridged, 'rtpengine')!;
    expect(sidecar.LogConfiguration).toMatchObject({ LogDriver: 'awslogs', Options: { 'awslogs-stream-prefix': 'rtpengine' } });
    expect(sidecar.LogConfiguration!.Options['awslogs-group']).toEqual(edge.LogConfiguration!.Options['awslogs-group']);
  });

  it('points the edge at 127.0.0.1:22222 with the same port range, and starts it once rtpengine is healthy', () => {
    const edge = named(bridged, 'edge')!;
    expect(envOf(edge)).toMatchObject({ PBX_RTPENGINE_NG: '127.0.0.1:22222', PBX_RTP_PORT_MIN: '30000', PBX_RTP_PORT_MAX: '30999' });
    expect(envOf(edge)).not.toHaveProperty('PBX_RTPENGINE');
    expect(edge.DependsOn).toEqual([{ ContainerName: 'rtpengine', Condition: 'HEALTHY' }]);
    expect(NG_ADDRESS).toBe('127.0.0.1:22222');
  });

  it('gives the edge an environment its media settings (contracts/settings/media-settings.ts) read as the sidecar\'s ng address and range', () => {
    const env = Object.fromEntries(Object.entries(envOf(named(bridged, 'edge'))).filter((e): e is [string, string] => typeof e[1] === 'string'));
    expect(parseMediaSettings(env, env.PBX_BIND!)).toEqual({
      ok: true,
      value: expect.objectContaining({ ng: { host: '127.0.0.1', port: 22222 }, portMin: 30000, portMax: 30999, anchorAll: false }),
    });
  });

  it('opens UDP 30000-30999 from any IPv4 address on the task\'s security group (media does not pass the NLB)', () => {
    const [, service] = resourcesOf(bridged, 'AWS::ECS::Service')[0]!;
    const groups = (service.NetworkConfiguration as { AwsvpcConfiguration: { SecurityGroups: { 'Fn::GetAtt': [string, string] }[] } }).AwsvpcConfiguration.SecurityGroups;
    expect(groups).toHaveLength(1);
    const taskGroup = resourcesOf(bridged, 'AWS::EC2::SecurityGroup').find(([id]) => id === groups[0]!['Fn::GetAtt'][0])![1];
    expect(taskGroup.SecurityGroupIngress).toEqual(
      expect.arrayContaining([expect.objectContaining({ IpProtocol: 'udp', FromPort: 30000, ToPort: 30999, CidrIp: '0.0.0.0/0' })]),
    );
    // The VPC has no IPv6: no IPv6 rule to open.
    expect(udpIngress(bridged).filter((r) => r.CidrIpv6 !== undefined)).toEqual([]);
  });

  it('gives the tasks a public IPv4 address in public subnets: where phones and browsers send RTP', () => {
    bridged.hasResourceProperties('AWS::ECS::Service', {
      NetworkConfiguration: { AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: 'ENABLED' }) },
    });
    const subnets = resourcesOf(bridged, 'AWS::EC2::Subnet').map(([, p]) => p);
    expect(subnets.length).toBeGreaterThan(0);
    expect(subnets.every((s) => s.MapPublicIpOnLaunch === true)).toBe(true);
  });
});

describe('rtpengine sidecar (stage overrides)', () => {
  it('uses the configured port range on both containers and the security group, and a public image when named', () => {
    expect(envOf(named(custom, 'rtpengine'))).toMatchObject({ PBX_RTP_PORT_MIN: '40000', PBX_RTP_PORT_MAX: '40099' });
    expect(envOf(named(custom, 'edge'))).toMatchObject({ PBX_RTP_PORT_MIN: '40000', PBX_RTP_PORT_MAX: '40099' });
    expect(udpIngress(custom).filter((r) => r.FromPort !== SIP_PORT)).toEqual([
      expect.objectContaining({ FromPort: 40000, ToPort: 40099, CidrIp: '0.0.0.0/0' }),
    ]);
    expect(named(custom, 'rtpengine')!.Image).toBe('drachtio/rtpengine:latest');
  });

  it('nimbus:mediaBridge=false: no sidecar, no port range, no ng address; the edge is told not to look for rtpengine', () => {
    expect(containersOf(off).map((c) => c.Name)).toEqual(['edge']);
    const edge = named(off, 'edge')!;
    expect(envOf(edge)).not.toHaveProperty('PBX_RTPENGINE_NG');
    expect(envOf(edge)).not.toHaveProperty('PBX_RTP_PORT_MIN');
    expect(envOf(edge)).toMatchObject({ PBX_RTPENGINE: 'off' });
    const env = Object.fromEntries(Object.entries(envOf(edge)).filter((e): e is [string, string] => typeof e[1] === 'string'));
    const media = parseMediaSettings(env, env.PBX_BIND!);
    expect(media.ok && media.value.rtpengine).toBe('off');
    expect(media.ok && media.value.ng).toBeUndefined();
    expect(edge.DependsOn).toBeUndefined();
    expect(udpIngress(off)).toEqual([expect.objectContaining({ FromPort: SIP_PORT, ToPort: SIP_PORT })]);
  });
});

describe('port range in the stage configuration', () => {
  const errorOf = (context: Record<string, unknown>): string => {
    try {
      stageConfigFromContext((key) => context[key]);
    } catch (err) {
      expect(err).toBeInstanceOf(StageConfigError);
      return (err as Error).message;
    }
    throw new Error(`accepted ${JSON.stringify(context)}`);
  };

  it.each([
    [{ 'nimbus:rtpPortMin': '30000', 'nimbus:rtpPortMax': '30002' }, /nimbus:rtpPortMax: must be at least nimbus:rtpPortMin \+ 3 \(30003\)/],
    [{ 'nimbus:rtpPortMin': '31000', 'nimbus:rtpPortMax': '30000' }, /nimbus:rtpPortMax: must be at least nimbus:rtpPortMin \+ 3/],
    [{ 'nimbus:rtpPortMin': '5000', 'nimbus:rtpPortMax': '5999' }, /nimbus:rtpPortMin: .*10000.* \(got "5000"\)/],
    [{ 'nimbus:rtpPortMax': '70000' }, /nimbus:rtpPortMax: .*65535.* \(got "70000"\)/],
    [{ 'nimbus:rtpPortMin': '22000', 'nimbus:rtpPortMax': '22999' }, /nimbus:rtpPortMin: the range 22000-22999 must not contain rtpengine's ng port 22222/],
    [{ 'nimbus:rtpPortMin': 'many' }, /nimbus:rtpPortMin: /],
    [{ 'nimbus:mediaBridge': 'yes' }, /nimbus:mediaBridge: /],
    [{ 'nimbus:rtpengineImage': 'not an image!' }, /nimbus:rtpengineImage: must be "build" or an image reference/],
  ])('refuses %j, naming the field', (context, message) => {
    expect(errorOf(context)).toMatch(message);
  });

  it('accepts the smallest range (4 ports) and keeps the task\'s other ports below the floor', () => {
    expect(stageConfigFromContext((k) => ({ 'nimbus:rtpPortMin': 30000, 'nimbus:rtpPortMax': 30003 })[k])).toMatchObject({ rtpPortMin: 30000, rtpPortMax: 30003 });
    for (const port of [SIP_PORT, EDGE_HTTP_PORT, RTPENGINE_HTTP_PORT]) expect(port).toBeLessThan(RTP_PORT_FLOOR);
  });

  it('stops the synth of a stack with a bad range', () => {
    expect(() => synthStack({ context: { 'nimbus:stage': 'bad', 'nimbus:rtpPortMax': '30001' } })).toThrow(/nimbus:rtpPortMax/);
  });
});

/** A tiny HTTP server answering every GET with `body`. */
async function serve(body: string): Promise<{ url: string; close: () => void; hits: () => number }> {
  let hits = 0;
  const server = http.createServer((_req, res) => {
    hits += 1;
    res.end(body);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v4/container`, close: () => server.close(), hits: () => hits };
}

interface NgClient {
  ping(port: number, host: string): Promise<{ result: string }>;
  offer(port: number, host: string, opts: Record<string, unknown>): Promise<{ result: string; sdp?: string }>;
  delete(port: number, host: string, opts: Record<string, unknown>): Promise<{ result: string }>;
  close(): void;
}

const hasRtpengine = spawnSync('sh', ['-c', 'command -v rtpengine && command -v curl']).status === 0;

describe.skipIf(!hasRtpengine)('the sidecar start script, run against this machine\'s rtpengine', () => {
  // The addresses of the template, moved to free ports: other sessions on this machine may run rtpengine on 22222.
  const base = 41000 + (process.pid % 400) * 20;
  const ngPort = base;
  const httpPort = base + 1;
  let script: string;
  let health: string;
  const children: ChildProcess[] = [];

  beforeAll(() => {
    const sidecar = named(bridged, 'rtpengine')!;
    script = sidecar.Command![0]!.replace(NG_ADDRESS, `127.0.0.1:${ngPort}`).replace(`127.0.0.1:${RTPENGINE_HTTP_PORT}`, `127.0.0.1:${httpPort}`);
    health = sidecar.HealthCheck!.Command[1]!.replaceAll(`127.0.0.1:${RTPENGINE_HTTP_PORT}`, `127.0.0.1:${httpPort}`);
    expect(script).toContain(`--listen-ng=127.0.0.1:${ngPort}`);
  });

  afterAll(() => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  });

  function start(env: Record<string, string>): { child: ChildProcess; stderr: () => string } {
    let stderr = '';
    const child = spawn('/bin/sh', ['-c', script], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', PBX_RTP_PORT_MIN: String(base + 2), PBX_RTP_PORT_MAX: String(base + 19), ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    children.push(child);
    return { child, stderr: () => stderr };
  }

  it('finds the private address in the task metadata and the public one from the look-up URL, and rtpengine advertises the public one', async () => {
    // Pretty-printed on purpose: the script must not depend on ECS's compact JSON.
    const metadata = await serve(JSON.stringify({ Name: 'rtpengine', Networks: [{ NetworkMode: 'awsvpc', IPv4Addresses: ['127.0.0.1'] }] }, null, 2));
    const publicIp = await serve('203.0.113.7\n');
    const { child, stderr } = start({ ECS_CONTAINER_METADATA_URI_V4: metadata.url, PUBLIC_IP_URL: publicIp.url });
    const { Client } = createRequire(import.meta.url)('rtpengine-client') as { Client: new (o: object) => NgClient };
    const client = new Client({ timeout: 1000 });
    try {
      let pong: { result: string } | undefined;
      for (let i = 0; i < 50 && !pong; i++) {
        expect(child.exitCode, stderr()).toBeNull();
        pong = await client.ping(ngPort, '127.0.0.1').catch(() => undefined);
        if (!pong) await new Promise((r) => setTimeout(r, 100));
      }
      expect(pong).toEqual({ result: 'pong' });
      expect(stderr()).toContain(`rtpengine sidecar: RTP on 127.0.0.1, advertised as 203.0.113.7, ports ${base + 2}-${base + 19}`);
      expect(metadata.hits()).toBe(1);
      expect(publicIp.hits()).toBe(1);

      const sdp = ['v=0', 'o=- 1 1 IN IP4 198.51.100.2', 's=-', 'c=IN IP4 198.51.100.2', 't=0 0', 'm=audio 4000 RTP/AVP 0', 'a=rtpmap:0 PCMU/8000', ''].join('\r\n');
      const offer = await client.offer(ngPort, '127.0.0.1', { 'call-id': 'sidecar-test', 'from-tag': 'a', sdp });
      expect(offer.result).toBe('ok');
      expect(offer.sdp).toContain('c=IN IP4 203.0.113.7');
      const port = Number(/m=audio (\d+) /.exec(offer.sdp ?? '')?.[1]);
      expect(port).toBeGreaterThanOrEqual(base + 2);
      expect(port).toBeLessThanOrEqual(base + 19);
      await client.delete(ngPort, '127.0.0.1', { 'call-id': 'sidecar-test', 'from-tag': 'a' });

      expect(spawnSync('/bin/sh', ['-c', health]).status).toBe(0);
    } finally {
      client.close();
      metadata.close();
      publicIp.close();
      child.kill('SIGTERM');
    }
    await once(child, 'exit').catch(() => undefined);
  }, 20_000);

  it('exits without starting rtpengine when the public address cannot be found (the task stops instead of advertising a wrong one)', async () => {
    const metadata = await serve(JSON.stringify({ Networks: [{ IPv4Addresses: ['127.0.0.1'] }] }));
    const notAnAddress = await serve('<html>rate limited</html>');
    const { child, stderr } = start({ ECS_CONTAINER_METADATA_URI_V4: metadata.url, PUBLIC_IP_URL: notAnAddress.url });
    const [code] = (await once(child, 'exit')) as [number];
    metadata.close();
    notAnAddress.close();
    expect(code).toBe(1);
    expect(stderr()).toMatch(/rtpengine sidecar: no IPv4 address \(private '127.0.0.1', public '<html>ratelimited<\/html>'\)/);
    expect(stderr()).not.toMatch(/Startup complete/);
  }, 20_000);

  it('takes PBX_MEDIA_INTERFACE and PBX_MEDIA_ADVERTISED instead of the look-ups', async () => {
    const { child, stderr } = start({ PBX_MEDIA_INTERFACE: '127.0.0.1', PBX_MEDIA_ADVERTISED: '198.51.100.9' });
    for (let i = 0; i < 50 && !stderr().includes('Startup complete'); i++) await new Promise((r) => setTimeout(r, 100));
    expect(stderr()).toContain('RTP on 127.0.0.1, advertised as 198.51.100.9');
    expect(stderr()).toContain('Startup complete');
    child.kill('SIGTERM');
    await once(child, 'exit');
  }, 20_000);

  it('uses the AWS check-IP service by default', () => {
    expect(PUBLIC_IP_URL).toBe('https://checkip.amazonaws.com');
  });
});
