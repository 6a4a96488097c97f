import { readFile } from 'node:fs/promises';

/** Resident memory of a process in MiB, from /proc (Linux: the CI and developer machines). */
export async function residentMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+)\s+kB$/m.exec(status)?.[1]);
  return kb / 1024;
}
