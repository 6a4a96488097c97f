/**
 * Preload for a benchmark run: prints the process's CPU time when it exits
 * (every thread — JavaScript, the libuv pool where LevelDB works, GC),
 * a figure that waiting for a busy shared machine does not inflate.
 *
 *   node --import tsx --import ./scripts/bench/print-cpu-at-exit.ts scripts/bench-register.ts 50,100 6
 */
process.on('exit', () => {
  const { user, system } = process.cpuUsage();
  process.stderr.write(`cpu seconds: ${((user + system) / 1e6).toFixed(2)} (user ${(user / 1e6).toFixed(2)}, system ${(system / 1e6).toFixed(2)})\n`);
});
