import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from './free-port.js';

export const SCENARIOS = resolve(import.meta.dirname, '../sipp');

export interface SippRun {
  scenario: string;
  transport: 'udp' | 'tcp';
  /** host:port of the edge */
  target: string;
  service: string;
  authUser?: string;
  password?: string;
  /** -set key value pairs */
  vars?: Record<string, string>;
  localIp?: string;
  localPort?: number;
  calls?: number;
  timeoutSeconds?: number;
  /** `{{name}}` placeholders in the scenario file are replaced with these (e.g. an expected status code). */
  template?: Record<string, string>;
  /** Aborting kills SIPp (a phone that vanishes mid-call). */
  signal?: AbortSignal;
  /** New calls per second (-r), for load runs. */
  rate?: number;
  /** More SIPp options, e.g. ['-inf', 'users.csv']. */
  extraArgs?: string[];
  /**
   * Echo RTP (-rtp_echo): every packet reaching 127.0.0.1:`port` (and `port`+2)
   * goes back to its sender. The scenario's [media_ip]/[media_port] are this socket.
   */
  rtpEcho?: { port: number };
}

export interface SippResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** What the scenario's <log> actions wrote. */
  log: string;
}

/** Runs one SIPp scenario to completion (-m calls) and returns its exit code and log lines. */
export async function runSipp(run: SippRun): Promise<SippResult> {
  const dir = await mkdtemp(join(tmpdir(), 'nimbus-sipp-'));
  const logFile = join(dir, 'scenario.log');
  let scenarioFile = join(SCENARIOS, run.scenario);
  const scenarioText = await readFile(scenarioFile, 'utf8');
  if (scenarioText.includes('{{')) {
    // Placeholders take template values, else -set values (e.g. {{talk}}: SIPp pauses only take literal numbers).
    const values = { ...run.vars, ...run.template };
    const text = scenarioText.replace(/\{\{(\w+)\}\}/g, (_all, key: string) => {
      if (values[key] === undefined) throw new Error(`${run.scenario} needs a value for {{${key}}}`);
      return values[key];
    });
    scenarioFile = join(dir, run.scenario);
    await writeFile(scenarioFile, text);
  }
  const globals = new Set([...scenarioText.matchAll(/<Global variables="([^"]*)"/g)].flatMap((m) => m[1].split(',')));
  const args = [
    run.target,
    '-sf', scenarioFile,
    '-t', run.transport === 'udp' ? 'u1' : 't1',
    '-s', run.service,
    '-i', run.localIp ?? '127.0.0.1',
    '-m', String(run.calls ?? 1),
    '-timeout', `${run.timeoutSeconds ?? 15}s`,
    '-timeout_error',
    '-nostdin',
    '-trace_logs', '-log_file', logFile,
    '-trace_err', '-error_file', join(dir, 'errors.log'),
  ];
  // SIPp would take 5060 when free: give every run its own port so runs never collide and each is its own device.
  args.push('-p', String(run.localPort ?? (await freePort())));
  if (run.rate) args.push('-r', String(run.rate));
  if (run.extraArgs) args.push(...run.extraArgs);
  if (run.rtpEcho) args.push('-rtp_echo', '-mi', run.localIp ?? '127.0.0.1', '-mp', String(run.rtpEcho.port));
  if (run.authUser) args.push('-au', run.authUser);
  if (run.password) args.push('-ap', run.password);
  for (const [key, value] of Object.entries(run.vars ?? {})) if (globals.has(key)) args.push('-set', key, value);
  const child = spawn('sipp', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], signal: run.signal, killSignal: 'SIGKILL' });
  child.on('error', () => undefined);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const log = await readFile(logFile, 'utf8').catch(() => '');
  const errors = await readdir(dir).then((files) =>
    Promise.all(files.filter((f) => f.startsWith('errors')).map((f) => readFile(join(dir, f), 'utf8'))),
  );
  return { code, stdout, stderr: stderr + errors.join('\n'), log };
}
