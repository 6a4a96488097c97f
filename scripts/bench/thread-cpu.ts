/**
 * CPU time of this process by thread, from Linux's /proc/self/task (utime +
 * stime, in clock ticks of 10 ms): the main thread (the SIP edge and the
 * functions hosted with it) apart from the others (the embedded store's
 * thread, V8's garbage-collector helpers, the libuv pool). Where the cost of
 * a flow lands matters on two cores: it shows which thread saturates first.
 * Empty where /proc is not there (macOS): the benchmark then leaves it out.
 */
import { readdirSync, readFileSync } from 'node:fs';

export type ThreadTicks = Map<string, number>;

export function threadTicks(): ThreadTicks {
  const ticks: ThreadTicks = new Map();
  let tasks: string[];
  try {
    tasks = readdirSync('/proc/self/task');
  } catch {
    return ticks;
  }
  for (const tid of tasks) {
    try {
      // Fields after the command name "(...)": state is the 3rd field, utime the 14th, stime the 15th (proc(5)).
      const fields = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1].split(' ');
      ticks.set(tid, Number(fields[11]) + Number(fields[12]));
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return ticks;
}

/** CPU milliseconds per flow between two readings: the main thread, and every other thread together. */
export function cpuMsPerFlow(before: ThreadTicks, after: ThreadTicks, flows: number): { mainThread: number; otherThreads: number } | undefined {
  if (after.size === 0 || flows === 0) return undefined;
  const main = String(process.pid);
  let mainTicks = 0;
  let otherTicks = 0;
  for (const [tid, ticks] of after) {
    const spent = ticks - (before.get(tid) ?? 0);
    if (tid === main) mainTicks += spent;
    else otherTicks += spent;
  }
  const perFlow = (t: number) => Number(((t * 10) / flows).toFixed(2));
  return { mainThread: perFlow(mainTicks), otherThreads: perFlow(otherTicks) };
}
