/**
 * edge/Dockerfile cannot be built here (no Docker engine) and hadolint is not
 * packaged for Debian, so its key properties are checked as data: the rules
 * hadolint would apply that matter for this image (DL3002 non-root user,
 * DL3007 no `latest`, DL3020 COPY not ADD, DL3025 JSON CMD), plus what the
 * deployment relies on (multi-stage, health check on /healthz, the SIP
 * ports, and every COPY source being in the allowlisted build context).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EDGE_HTTP_PORT, imageIgnorePatterns, SIP_PORT } from '../../infra/sip-edge-service.js';
import { REPO_ROOT } from '../../infra/nimbus-stack.js';

interface Instruction {
  keyword: string;
  args: string;
}

/** Dockerfile instructions with line continuations joined and comments dropped. */
function parseDockerfile(text: string): Instruction[] {
  return text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const [keyword, ...rest] = l.split(/\s+/);
      return { keyword: keyword!.toUpperCase(), args: rest.join(' ') };
    });
}

const instructions = parseDockerfile(readFileSync(join(REPO_ROOT, 'edge/Dockerfile'), 'utf8'));
const stages = instructions.reduce<Instruction[][]>((acc, i) => (i.keyword === 'FROM' ? [...acc, [i]] : (acc.at(-1)!.push(i), acc)), []);
const finalStage = stages.at(-1)!;
const finalOf = (keyword: string) => finalStage.filter((i) => i.keyword === keyword);

describe('edge/Dockerfile', () => {
  it('builds in a named stage and runs from a pinned slim Node.js 22 image', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(stages[0]![0]!.args).toMatch(/^(--platform=\$BUILDPLATFORM )?node:22-slim AS build$/);
    expect(finalStage[0]!.args).toBe('node:22-slim');
    for (const stage of stages) expect(stage[0]!.args).not.toMatch(/:latest\b|^[^:]+$/);
  });

  it('ships only the bundle and the softphone: no package install in the runtime stage', () => {
    expect(finalOf('RUN')).toEqual([]);
    expect(finalOf('COPY').map((i) => i.args)).toEqual(['--from=build /out/ ./', '--from=build /src/web-softphone/dist ./web-softphone']);
    expect(instructions.some((i) => i.keyword === 'ADD')).toBe(false);
  });

  it('runs as the unprivileged node user', () => {
    const users = finalOf('USER');
    expect(users.at(-1)?.args).toBe('node');
    const userAt = finalStage.indexOf(users.at(-1)!);
    expect(finalStage.findIndex((i) => i.keyword === 'CMD')).toBeGreaterThan(userAt);
  });

  it('checks its health on /healthz and exposes SIP over UDP and TCP and the WebSocket port', () => {
    const [healthcheck] = finalOf('HEALTHCHECK');
    expect(healthcheck?.args).toMatch(/CMD \["node", "-e", ".*\/healthz.*"\]/);
    expect(finalOf('EXPOSE').map((i) => i.args)).toEqual([`${SIP_PORT}/udp ${SIP_PORT}/tcp ${EDGE_HTTP_PORT}/tcp`]);
  });

  it('starts the cloud entry with the Lambda invoker by default, in exec form', () => {
    expect(finalOf('CMD').map((i) => i.args)).toEqual(['["node", "--enable-source-maps", "cloud-main.mjs"]']);
    expect(finalOf('ENV')[0]?.args).toMatch(/PBX_INVOKER=lambda/);
    expect(stages[0]!.some((i) => i.keyword === 'RUN' && i.args.includes('edge/build.ts'))).toBe(true);
  });

  it('builds from an allowlisted context (edge/Dockerfile.dockerignore) that leaves out node_modules', () => {
    const patterns = imageIgnorePatterns(REPO_ROOT);
    expect(patterns[0]).toBe('*');
    expect(patterns).toContain('**/node_modules');
  });

  it('copies only sources that exist and that the CDK image context includes', () => {
    const sources = instructions
      .filter((i) => i.keyword === 'COPY' && !i.args.startsWith('--from'))
      .flatMap((i) => i.args.split(/\s+/).slice(0, -1));
    expect(sources.length).toBeGreaterThan(0);
    const allowed = imageIgnorePatterns(REPO_ROOT).filter((p) => p.startsWith('!')).map((p) => p.slice(1));
    for (const source of sources) {
      expect(existsSync(join(REPO_ROOT, source)), source).toBe(true);
      expect(allowed.some((a) => source === a || source.startsWith(`${a}/`)), source).toBe(true);
    }
  });
});
