import { describe, expect, it } from 'vitest';
import type { SipRequest } from '../../../sip/message.js';
import { BindingBook, type RegisterAnswer } from '../../../edge/src/ops/binding-book.js';

const T0 = 1_000_000;

function register(...contacts: string[]): SipRequest {
  return { kind: 'request', method: 'REGISTER', uri: 'sip:acme.test', headers: contacts.map((value) => ({ name: 'Contact', value })), body: '' };
}

/** The registrar's 200: every current binding with its remaining seconds (RFC 3261 §10.3 step 8). */
function ok(username: string, bindings: Array<[uri: string, seconds: number]>): RegisterAnswer {
  return { tenantId: 'acme', username, status: 200, headers: bindings.map(([uri, s]) => ({ name: 'Contact', value: `<${uri}>;expires=${s}` })) };
}

describe('BindingBook: the bindings registered through this edge, from the registrar answers it relayed', () => {
  it('counts a device once it is registered, and its user', () => {
    const book = new BindingBook();
    book.register(register('<sip:1001@10.0.0.1:5060>'), ok('1001', [['sip:1001@10.0.0.1:5060', 300]]), undefined, T0);
    expect(book.counts(T0)).toEqual({ bindings: 1, users: 1 });
  });

  it('ignores challenges and refusals', () => {
    const book = new BindingBook();
    book.register(register('<sip:1001@10.0.0.1>'), { status: 401, headers: [] }, undefined, T0);
    book.register(register('<sip:1001@10.0.0.1>'), { tenantId: 'acme', username: '1001', status: 403, headers: [] }, undefined, T0);
    expect(book.counts(T0)).toEqual({ bindings: 0, users: 0 });
  });

  it('counts only its own devices of a multi-device user whose other device registered elsewhere', () => {
    const book = new BindingBook();
    // The 200 lists the phone registered through another edge too; only this REGISTER's Contact is this edge's.
    book.register(register('<sip:1002@10.0.0.2>'), ok('1002', [['sip:1002@10.0.0.9', 200], ['sip:1002@10.0.0.2', 300]]), undefined, T0);
    book.register(register('<sip:1002@10.0.0.3>'), ok('1002', [['sip:1002@10.0.0.9', 190], ['sip:1002@10.0.0.2', 290], ['sip:1002@10.0.0.3', 300]]), undefined, T0 + 10_000);
    expect(book.counts(T0 + 10_000)).toEqual({ bindings: 2, users: 1 });
  });

  it('forgets a device the registrar no longer lists (replaced by a new one, or unregistered)', () => {
    const book = new BindingBook();
    book.register(register('<sip:1001@10.0.0.1>'), ok('1001', [['sip:1001@10.0.0.1', 300]]), undefined, T0);
    book.register(register('<sip:1001@10.0.0.5>'), ok('1001', [['sip:1001@10.0.0.5', 300]]), undefined, T0 + 1);
    expect(book.counts(T0 + 1)).toEqual({ bindings: 1, users: 1 });
    // Contact: * with Expires: 0 (RFC 3261 §10.2.2): the 200 lists nothing.
    book.register(register('*'), ok('1001', []), undefined, T0 + 2);
    expect(book.counts(T0 + 2)).toEqual({ bindings: 0, users: 0 });
  });

  it('drops a binding when its expiry passes and nobody refreshed it', () => {
    const book = new BindingBook();
    book.register(register('<sip:1001@10.0.0.1>'), ok('1001', [['sip:1001@10.0.0.1', 60]]), undefined, T0);
    expect(book.counts(T0 + 59_999).bindings).toBe(1);
    expect(book.counts(T0 + 60_000)).toEqual({ bindings: 0, users: 0 });
  });

  it('drops the bindings of a flow the flow-closed function cleaned up (a browser gone with its WebSocket)', () => {
    const book = new BindingBook();
    book.register(register('<sip:abc@df7jal23ls0d.invalid;transport=ws>'), ok('1001', [['sip:abc@df7jal23ls0d.invalid;transport=ws', 600]]), 'ws-1', T0);
    book.register(register('<sip:1003@10.0.0.3>'), ok('1003', [['sip:1003@10.0.0.3', 600]]), undefined, T0);
    book.flowClosed('ws-1');
    expect(book.counts(T0)).toEqual({ bindings: 1, users: 1 });
  });

  it('closing one flow keeps the bindings of other flows, also of a user with a device on each', () => {
    const book = new BindingBook();
    book.register(register('<sip:a@a.invalid;transport=ws>'), ok('1001', [['sip:a@a.invalid;transport=ws', 600]]), 'ws-1', T0);
    book.register(register('<sip:b@b.invalid;transport=ws>'), ok('1001', [['sip:a@a.invalid;transport=ws', 590], ['sip:b@b.invalid;transport=ws', 600]]), 'ws-2', T0);
    book.register(register('<sip:c@c.invalid;transport=ws>'), ok('1002', [['sip:c@c.invalid;transport=ws', 600]]), 'ws-2', T0);
    book.flowClosed('ws-2');
    expect(book.counts(T0)).toEqual({ bindings: 1, users: 1 });
    book.flowClosed('ws-1');
    expect(book.counts(T0)).toEqual({ bindings: 0, users: 0 });
  });

  it('a binding that moved to another flow stays when the old flow closes', () => {
    const book = new BindingBook();
    const uri = 'sip:1001@10.0.0.1:5060;transport=tcp';
    book.register(register(`<${uri}>`), ok('1001', [[uri, 600]]), 'tcp-1', T0);
    // The phone reconnected and refreshed the same Contact over a new connection.
    book.register(register(`<${uri}>`), ok('1001', [[uri, 600]]), 'tcp-2', T0 + 1);
    // The registrar found nothing of tcp-1 to remove: the edge only forgets the flow.
    book.forgetFlow('tcp-1');
    expect(book.counts(T0 + 1)).toEqual({ bindings: 1, users: 1 });
    expect(book.indexedFlows).toBe(1);
    book.flowClosed('tcp-2');
    expect(book.counts(T0 + 1)).toEqual({ bindings: 0, users: 0 });
    expect(book.indexedFlows).toBe(0);
  });

  it('keeps nothing of closed flows, whether the registrar removed their bindings or not', () => {
    const book = new BindingBook();
    for (let i = 0; i < 100; i++) {
      book.register(register(`<sip:u${i}@x.invalid;transport=ws>`), ok(`u${i}`, [[`sip:u${i}@x.invalid;transport=ws`, 600]]), `ws-${i}`, T0);
    }
    expect(book.indexedFlows).toBe(100);
    for (let i = 0; i < 100; i++) (i % 2 ? book.flowClosed(`ws-${i}`) : book.forgetFlow(`ws-${i}`));
    expect(book.indexedFlows).toBe(0);
    expect(book.counts(T0).bindings).toBe(50);
  });
});
