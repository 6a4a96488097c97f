/**
 * The rate ladder of the benchmarks (issue 14): one SIPp run per rung at a
 * fixed call rate, counted from SIPp's own statistics file (-trace_stat),
 * and the rule that says whether a rung was clean.
 *
 * "Clean": no failed call, retransmissions under 1 % of the requests that
 * run a retransmission timer (RFC 3261 §17.1: Timer A/E fire when an answer
 * takes longer than T1, 500 ms), and at least 95 % of the offered rate
 * achieved.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from '../../test/support/free-port.js';

export interface RungPlan {
  /** host:port the scenario is sent to. */
  target: string;
  scenario: string;
  rate: number;
  seconds: number;
  /** SIPp's injection file (-inf). */
  injection: string;
  /** Scratch folder; every rung gets its own folder below it. */
  dir: string;
  /** Requests of one call that run a retransmission timer (the base of the 1 % rule). */
  requestsPerCall: number;
  /** -set key value pairs (the scenario's Global variables). */
  vars?: Record<string, string>;
  localPort?: number;
  /** Keep every response time the scenario measures (rtd), for percentiles. */
  responseTimes?: boolean;
}

export interface Rung {
  offered: number;
  calls: number;
  successful: number;
  failed: number;
  retransmissions: number;
  achievedPerSecond: number;
  /** SIPp's average of the scenario's timed response (rtd 1). */
  averageResponseMs: number;
  clean: boolean;
}

export interface MeasuredRung extends Rung {
  /** Every timed response of the rung, whole milliseconds (only with `responseTimes`). */
  responseTimesMs?: number[];
}

/** SIPp writes durations as HH:MM:SS:uuuuuu (the last field in microseconds). */
const sippDurationMs = (raw: string): number =>
  raw.split(':').map(Number).reduce((ms, v, i) => ms + v * [3_600_000, 60_000, 1000, 0.001][i], 0);

/** One rung: SIPp places `rate × seconds` calls at `rate`; its statistics file gives the counts. */
export async function runRung(plan: RungPlan): Promise<MeasuredRung> {
  const { rate, seconds } = plan;
  const calls = rate * seconds;
  const cwd = await mkdtemp(join(plan.dir, `rung-${rate}-`));
  const stat = join(cwd, 'stat.csv');
  // -timeout: a call still open 10 s after the last one was started has failed anyway; it bounds a saturated rung.
  const args = [plan.target, '-sf', plan.scenario, '-inf', plan.injection, '-r', String(rate), '-m', String(calls),
    '-l', String(rate * 4), '-t', 'u1', '-i', '127.0.0.1', '-p', String(plan.localPort ?? (await freePort())), '-nostdin',
    '-trace_stat', '-stf', stat, '-fd', '3600', '-timeout', String(seconds + 10), '-timeout_error'];
  for (const [key, value] of Object.entries(plan.vars ?? {})) args.push('-set', key, value);
  // -trace_rtt writes <scenario>_<pid>_rtt.csv, one line per timed response, but only every -rtt_freq
  // calls (what is left at the end is not written): at most 1 % of the samples are lost this way.
  if (plan.responseTimes) args.push('-trace_rtt', '-rtt_freq', String(Math.max(1, Math.floor(calls / 100))));
  const started = process.hrtime.bigint();
  await new Promise<void>((done) => {
    const child = spawn('sipp', args, { cwd, stdio: 'ignore' });
    child.on('exit', () => done());
  });
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  const rows = (await readFile(stat, 'utf8')).trim().split('\n');
  const head = rows[0].split(';');
  const last = rows[rows.length - 1].split(';');
  const col = (name: string) => Number(last[head.indexOf(name)]);
  const successful = col('SuccessfulCall(C)');
  const failed = col('FailedCall(C)');
  const retransmissions = col('Retransmissions(C)');
  const achieved = successful / Math.max(elapsed, calls / rate);
  const rung: MeasuredRung = {
    offered: rate, calls, successful, failed, retransmissions,
    achievedPerSecond: Number(achieved.toFixed(1)),
    averageResponseMs: Number(sippDurationMs(last[head.indexOf('ResponseTime1(C)')] ?? '').toFixed(2)),
    clean: failed === 0 && successful === calls && retransmissions < 0.01 * calls * plan.requestsPerCall && achieved >= 0.95 * rate,
  };
  if (plan.responseTimes) rung.responseTimesMs = await readResponseTimes(cwd);
  return rung;
}

/** The rtt file's lines are `Date_ms;response_time_ms;rtd_no`; response times are whole milliseconds (SIPp's clock). */
async function readResponseTimes(cwd: string): Promise<number[]> {
  const file = (await readdir(cwd)).find((f) => f.endsWith('_rtt.csv'));
  if (!file) return [];
  return (await readFile(join(cwd, file), 'utf8')).trim().split('\n').slice(1)
    .map((line) => Number(line.split(';')[1])).filter((v) => Number.isFinite(v));
}

/**
 * Climbs from `start`, doubling while the rung is clean, up to `max`; the
 * first unclean rung ends the climb (it is kept: it shows what saturation
 * looks like). Then `refine` rungs halve the gap between the last clean rate
 * and the first unclean one, each once `settle` resolves (the overload's
 * leftovers — retransmissions, queued store requests, CDRs — drained; 5 s
 * when the caller cannot tell), so the clean rate is known to within a
 * quarter of the last doubling rather than a half. A first rung that is
 * not clean (the reference server's ladder starts at Nimbus's clean rate,
 * and one failed call there would leave no clean rate at all) is followed
 * by rungs at half the rate, at most `descend` of them, until one is clean.
 */
export async function climb(
  start: number,
  max: number,
  rung: (rate: number) => Promise<MeasuredRung>,
  options: { refine?: number; descend?: number; settle?: () => Promise<void> } = {},
): Promise<MeasuredRung[]> {
  const { refine = 2, descend = 3, settle = settleFor(5_000) } = options;
  const rungs: MeasuredRung[] = [];
  let clean: number | undefined;
  let unclean: number | undefined;
  /** One rung at `rate`; it moves the clean or the unclean bound. */
  const measure = async (rate: number) => {
    const step = await rung(rate);
    rungs.push(step);
    if (step.clean) clean = rate;
    else unclean = rate;
    return step.clean;
  };
  for (let rate = start; rate <= max; rate *= 2) if (!(await measure(rate))) break;
  for (let i = 0, rate = Math.round(start / 2); i < descend && clean === undefined && rate >= 1; i++, rate = Math.round(rate / 2)) {
    await settle();
    await measure(rate);
  }
  for (let i = 0; i < refine && clean !== undefined && unclean !== undefined; i++) {
    const rate = Math.round((clean + unclean) / 2);
    if (rate <= clean || rate >= unclean) break;
    await settle();
    await measure(rate);
  }
  return rungs;
}

/** A settle step that only waits. */
export const settleFor = (ms: number) => () => new Promise<void>((r) => setTimeout(r, ms));

export const cleanRate = (rungs: Pick<Rung, 'clean' | 'offered'>[]): number => Math.max(0, ...rungs.filter((s) => s.clean).map((s) => s.offered));

/** Nearest-rank percentiles (p of 100) of whole-millisecond samples. */
export function percentiles(samples: number[], ps: number[]): Record<string, number> {
  const sorted = [...samples].sort((a, b) => a - b);
  const out: Record<string, number> = {};
  for (const p of ps) out[`p${p}`] = sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : NaN;
  return out;
}
