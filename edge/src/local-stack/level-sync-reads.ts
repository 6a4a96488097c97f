/**
 * The embedded store's LevelDB reads, done on the store's own thread instead
 * of a trip through the libuv pool (issue 14).
 *
 * dynalite reads twice per request (the table's description, then the item)
 * through classic-level's asynchronous `get`. That `get` takes an implicit
 * LevelDB snapshot on the calling thread before it queues the read — and the
 * snapshot needs LevelDB's database mutex, which the pool threads hold while
 * they read and write. On two cores shared with the SIP edge and SIPp, a
 * profile of the store thread under REGISTER load had a third of its busy
 * time in that call (docs/benchmarks.md). classic-level 3 also reads
 * synchronously (`getSync`, no snapshot, no pool): a read of the memtable
 * or the block cache takes microseconds, and the store thread has nothing
 * else to do meanwhile.
 *
 * Same answers: the asynchronous read returns the value as of its call (its
 * snapshot), the synchronous one reads it at its call. A write still under
 * way in the pool is seen by neither. Applied to the `level` that dynalite
 * itself loads (resolved from dynalite's folder, so it is that very class),
 * once, and only where the class has the synchronous read.
 */
import { createRequire } from 'node:module';

interface LevelReads {
  _get(key: unknown, options: unknown): Promise<unknown>;
  _getSync?(key: unknown, options: unknown): unknown;
}

const PATCHED = Symbol.for('nimbus.level-sync-reads');

/** Returns whether dynalite's LevelDB now reads synchronously (false: a `level` without `getSync`, left as it was). */
export function useSyncLevelReads(): boolean {
  const fromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
  const { Level } = fromDynalite('level') as { Level: { prototype: LevelReads & { [PATCHED]?: true } } };
  const proto = Level.prototype;
  if (proto[PATCHED]) return true;
  const readNow = proto._getSync;
  if (typeof readNow !== 'function') return false;
  // `async`: a failed read (not open, corrupt) rejects as the asynchronous one did, rather than throwing.
  proto._get = async function (this: LevelReads, key: unknown, options: unknown) {
    return readNow.call(this, key, options);
  };
  proto[PATCHED] = true;
  return true;
}
