/**
 * Where a CPU profile's time went, by layer: self time of every sample in
 * the load window (first to last sample in SIP traffic: node:dgram or sip/),
 * idle left out, grouped into the AWS SDK, SigV4 and hashing, dynalite and
 * LevelDB, Node's HTTP stack, Nimbus's own code, GC and the rest.
 *
 *   node --cpu-prof --cpu-prof-dir=DIR --import tsx scripts/bench-register.ts 100 6
 *   npx tsx scripts/profile-by-layer.ts DIR/<the largest>.cpuprofile
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const LAYERS: Array<[string, RegExp]> = [
  ['SigV4 and hashing', /signature-v4|node:internal\/crypto\/(hash|hkdf|keys|mac)/],
  ['AWS SDK (middleware, serialization, endpoints, retries)', /node_modules\/(@smithy|@aws-sdk)\//],
  ['dynalite + LevelDB', /node_modules\/(dynalite|classic-level|abstract-level|level-[a-z-]+|level|memory-level|memdown|buffer-crc32|lazy|lock|async|once|big\.js)\//],
  ['Node HTTP client and server, streams, sockets', /node:(internal\/)?(_http|http|net|streams?|internal\/streams|internal\/http)/],
  ['Nimbus (sip/, edge/, functions/, contracts/)', /^file:.*\/(sip|edge|functions|contracts)\//],
];

function layer(node: ProfileNode): string {
  const { url, functionName } = node.callFrame;
  if (!url) return functionName === '(idle)' ? 'idle' : functionName === '(garbage collector)' ? 'garbage collection' : 'the rest';
  return LAYERS.find(([, pattern]) => pattern.test(url))?.[0] ?? 'the rest';
}

const file = process.argv[2];
if (!file) throw new Error('usage: npx tsx scripts/profile-by-layer.ts <file.cpuprofile>');
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const isSip = (n: ProfileNode) => n.callFrame.url.includes('node:dgram') || /^file:.*\/sip\//.test(n.callFrame.url);
const inLoad = profile.samples.map((id) => isSip(nodes.get(id)!));
const first = inLoad.indexOf(true);
const last = inLoad.lastIndexOf(true);
if (first < 0) throw new Error('no SIP traffic in this profile');
const byLayer = new Map<string, number>();
let busy = 0;
for (let i = first; i <= last; i++) {
  const name = layer(nodes.get(profile.samples[i]!)!);
  const micros = profile.timeDeltas[i + 1] ?? 0; // a sample's time is the delta to the next one
  if (name === 'idle') continue;
  busy += micros;
  byLayer.set(name, (byLayer.get(name) ?? 0) + micros);
}
const layers = [...byLayer].sort((a, b) => b[1] - a[1]).map(([name, micros]) => ({ layer: name, percent: Number(((100 * micros) / busy).toFixed(1)), seconds: Number((micros / 1e6).toFixed(2)) }));
console.log(JSON.stringify({ busySeconds: Number((busy / 1e6).toFixed(2)), layers }, null, 2));
