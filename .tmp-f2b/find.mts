import { DEFAULT_PARSE_LIMITS, parseMessage, serializeMessage } from '../sip/index.js';
import { mutate, prng, seedMessages } from '../test/hostile/sip-mutator.js';
const SEEDS = seedMessages();
const reasons = new Map<string, number>();
let example = new Map<string, string>();
for (let seed = 0; seed < 300000; seed++) {
  const bytes = mutate(SEEDS, prng(seed));
  const p = parseMessage(bytes);
  if (!p.ok) continue;
  const ser = serializeMessage(p.message);
  const L = DEFAULT_PARSE_LIMITS;
  if (!(Buffer.byteLength(ser) <= L.maxMessageBytes && p.message.headers.length < L.maxHeaders && p.message.headers.every((h) => Buffer.byteLength(`${h.name}: ${h.value}`) <= L.maxLineLength))) continue;
  const again = parseMessage(ser);
  if (!again.ok) {
    reasons.set(again.error, (reasons.get(again.error) ?? 0) + 1);
    if (!example.has(again.error)) example.set(again.error, `headers=${p.message.headers.length} serLen=${ser.length} inLen=${bytes.length}`);
  }
}
console.log(reasons, example);
