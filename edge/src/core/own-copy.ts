/**
 * A string that shares no memory with the message it was cut from. V8 keeps
 * a substring of 13 characters or more as a slice pointing into its parent,
 * so a URI or nonce parsed from a REGISTER and kept for minutes or hours
 * (the binding book, the nonce counts) would keep the whole message's text
 * alive with it — a few hundred bytes per registered device (issue 14: at
 * most 8 kB per idle WebSocket flow, measured by scripts/bench-ws-clients.ts).
 * Only for strings that outlive the message; the copy costs one allocation.
 */
export function ownCopy(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}
