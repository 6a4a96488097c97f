/**
 * The embedded store (dynalite, edge/src/local-stack/embedded-store.ts) in a
 * process of its own, for benchmarks that measure the edge's memory alone:
 * the PBX is then started with PBX_DYNAMODB_ENDPOINT pointing here, so the
 * store's LevelDB and item cache are not counted in the edge's RSS.
 *
 *   node --import tsx scripts/bench/store-process.ts <data dir>
 *
 * Prints one JSON line {"endpoint": "http://127.0.0.1:<port>"} once it
 * listens; SIGTERM closes it (LevelDB flushes).
 */
import { startEmbeddedStore } from '../../edge/src/local-stack/embedded-store.js';

const dir = process.argv[2];
if (!dir) throw new Error('usage: store-process.ts <data dir>');
const store = await startEmbeddedStore(dir, 0);
console.log(JSON.stringify({ endpoint: store.endpoint }));
process.once('SIGTERM', () => {
  void store.close().finally(() => process.exit(0));
});
