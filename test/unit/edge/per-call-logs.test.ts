import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { PerCallLogs } from '../../../edge/src/core/per-call-logs.js';
import { createLogger } from '../../../edge/src/logger.js';

describe('PerCallLogs (edge/src/core/per-call-logs.ts)', () => {
  it("gives every message of a call the same logger, bound to that call's Call-ID", () => {
    const lines: string[] = [];
    const base = createLogger('info', 'nimbus-edge', new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }));
    let made = 0;
    const logs = new PerCallLogs((callId) => (made++, base.child({ callId })));
    const invite = logs.for('call-a@example.com');
    expect(logs.for('call-a@example.com')).toBe(invite);
    logs.for('call-b@example.com').info('b');
    invite.info('a');
    expect(made).toBe(2);
    expect(lines.map((l) => JSON.parse(l).callId)).toEqual(['call-b@example.com', 'call-a@example.com']);
  });

  it('keeps at most its bound of calls (Call-IDs come from the network)', () => {
    let made = 0;
    const logs = new PerCallLogs((callId) => (made++, { callId }), 3);
    for (const id of ['1', '2', '3', '4']) logs.for(id);
    expect(logs.size).toBeLessThanOrEqual(3);
    logs.for('4');
    expect(made).toBe(4);
    logs.for('1');
    expect(made).toBe(5);
  });
});
