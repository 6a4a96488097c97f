/**
 * Random bytes for tags, branches, Call-IDs and nonces, drawn from one
 * buffer the CSPRNG refills 4 kB at a time instead of one `randomBytes`
 * call per value. Under REGISTER load `randomBytes` was 3 % of the edge's
 * main thread (docs/benchmarks.md): each call sets up a crypto job for
 * 8–16 bytes. Node's own `randomUUID` keeps a cache the same way.
 *
 * Each byte is handed out once, so the values are as unpredictable as the
 * CSPRNG's (RFC 3261 §19.3 wants tags and branches that cannot be guessed).
 */
import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 4096;
const pool = Buffer.allocUnsafe(POOL_BYTES);
let next = POOL_BYTES;

/** Where the next `bytes` unused random bytes start in the pool (refilled when too few are left). */
function take(bytes: number): number {
  if (bytes > POOL_BYTES) throw new RangeError(`random-pool: ${bytes} bytes is more than the pool holds`);
  if (next + bytes > POOL_BYTES) {
    randomFillSync(pool);
    next = 0;
  }
  const at = next;
  next += bytes;
  return at;
}

/** `bytes` random bytes as lower-case hex. */
export function randomHex(bytes: number): string {
  const at = take(bytes);
  return pool.toString('hex', at, at + bytes);
}

/** Writes `bytes` random bytes into `target` at `offset`. */
export function fillRandom(target: Buffer, offset: number, bytes: number): void {
  const at = take(bytes);
  pool.copy(target, offset, at, at + bytes);
}
