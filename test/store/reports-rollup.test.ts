/**
 * The hourly rollup against a real DynamoDB API (dynalite), fed the real way:
 * CDRs through the cdr function and registrations through the register
 * function, at chosen times across two past hours (no waiting for the clock).
 * Every figure of both reports is checked; an empty hour has no row; a re-run
 * changes nothing; missed hours are caught up; a busy hour is counted exactly.
 */
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toEventBridgeEnvelope } from '../../contracts/bus/event-routes.js';
import { callEvent, type CallDisposition, type HangupBy } from '../../contracts/bus/call-events.js';
import { createCdrHandler } from '../../functions/src/cdr/cdr-handler.js';
import { cdrWriteFor } from '../../functions/src/cdr/cdr-merge.js';
import type { CallDirection } from '../../contracts/function-events.js';
import { createRegisterHandler } from '../../functions/src/registration/register-handler.js';
import type { CallReportRow } from '../../functions/src/reports/call-report.js';
import type { UserReportRow } from '../../functions/src/reports/user-report.js';
import { createRollupHandler } from '../../functions/src/reports/rollup-handler.js';
import { rollupHour, type RollupDeps } from '../../functions/src/reports/rollup-hour.js';
import { REGISTRAR_SETTINGS, registerEvent, registerText, sipRequest } from '../unit/functions/fixtures.js';
import { answerChallenge } from './digest-client.js';
import { PASSWORDS, startLocalDynamo, type LocalDynamo } from './local-dynamo.js';

const CONTEXT = {} as Context;
const DAY = '2025-03-10';
const at = (hhmmss: string) => `${DAY}T${hhmmss}${hhmmss.includes('.') ? '' : '.000'}Z`;
const ms = (hhmmss: string) => Date.parse(at(hhmmss));
const H09 = at('09:00:00');
const H10 = at('10:00:00');
const H11 = at('11:00:00');

let db: LocalDynamo;
let clock = ms('09:00:00');
let deps: RollupDeps;
let register: ReturnType<typeof createRegisterHandler>;
let cdr: ReturnType<typeof createCdrHandler>;
let seq = 0;

async function registerAt(time: string, ext: string, expires: number, tenant = 'acme', domain = 'acme.test'): Promise<number> {
  clock = ms(time);
  const callId = `reg-${++seq}@test`;
  const address = `198.51.100.${Number(ext) % 200}`;
  const contacts = [`<sip:${ext}@${address}:5060>`];
  // The phone sends from the address its Contact names (functions/src/registration/contact-policy.ts).
  const send = (cseq: number, authorization?: string) =>
    register(registerEvent(sipRequest(registerText({ user: ext, domain, callId, cseq, contacts, expires, ...(authorization ? { authorization } : {}) })), { protocol: 'udp', address, port: 5060 }), CONTEXT);
  const challenge = await send(1);
  const authorization = answerChallenge(challenge.reply, { username: ext, password: PASSWORDS[`${tenant}/${ext}`]!, uri: `sip:${domain}` });
  return (await send(2, authorization)).reply.status;
}

interface Call {
  start: string;
  direction?: CallDirection;
  disposition: CallDisposition;
  status: number;
  alert?: string;
  answer?: string;
  end: string;
  hangupBy?: HangupBy;
  tenant?: string;
}

/** A call's events through the cdr function, as the edge publishes them. */
async function placeCall(c: Call): Promise<void> {
  const base = { tenantId: c.tenant ?? 'acme', callId: `call-${++seq}` };
  const party = { caller: { ext: '1001' }, callee: { ext: '1002' }, direction: c.direction ?? 'internal' };
  const deliver = (type: Parameters<typeof callEvent>[0], detail: object) =>
    cdr(toEventBridgeEnvelope(callEvent(type, detail as never), `ev-${seq}-${type}`), CONTEXT);
  await deliver('call.attempt', { ...base, ...party, startTime: at(c.start), edgeId: 'edge-a', bootId: 'boot-1' });
  await deliver('call.end', {
    ...base,
    ...party,
    startTime: at(c.start),
    ...(c.alert ? { alertTime: at(c.alert) } : {}),
    ...(c.answer ? { answerTime: at(c.answer), answeredBy: { contact: 'sip:1002@198.51.100.2', bindingKey: 'k' } } : {}),
    endTime: at(c.end),
    disposition: c.disposition,
    status: c.status,
    hangupBy: c.hangupBy ?? (c.disposition === 'rejected' || c.disposition === 'failed' ? 'system' : 'caller'),
  });
}

const callRow = async (hour: string) => (await db.stores.reports.listReports<CallReportRow>('acme', 'CALLS', hour, new Date(Date.parse(hour) + 3_600_000).toISOString()))[0];
const userRow = async (hour: string) => (await db.stores.reports.listReports<UserReportRow>('acme', 'USERS', hour, new Date(Date.parse(hour) + 3_600_000).toISOString()))[0];

beforeAll(async () => {
  db = await startLocalDynamo();
  register = createRegisterHandler({ ...db.stores, settings: REGISTRAR_SETTINGS, now: () => clock });
  cdr = createCdrHandler({ cdrs: db.stores.cdrs });
  deps = { cdrs: db.stores.cdrs, online: db.stores.online, reports: db.stores.reports, now: () => clock };

  // Registrations. 09: 1001 online 09:10 → 10:10 (expires, no event); 1002 09:30 → refresh 09:38 → unregisters 09:45.
  // 10: 1002 again 10:20 → 10:30 (expires). 11: nobody.
  expect(await registerAt('09:10:00', '1001', 3600)).toBe(200);
  expect(await registerAt('09:30:00', '1002', 600)).toBe(200);
  expect(await registerAt('09:38:00', '1002', 600)).toBe(200);
  expect(await registerAt('09:45:00', '1002', 0)).toBe(200);
  expect(await registerAt('10:20:00', '1002', 600)).toBe(200);

  // Calls of hour 09: every disposition, one inbound.
  await placeCall({ start: '09:05:00', disposition: 'answered', status: 200, alert: '09:05:01', answer: '09:05:04', end: '09:06:04' }); // 60 s
  await placeCall({ start: '09:20:00', disposition: 'answered', status: 200, alert: '09:20:02', answer: '09:20:03', end: '09:20:33.500' }); // 30.5 s
  await placeCall({ start: '09:21:00', direction: 'inbound', disposition: 'busy', status: 486, end: '09:21:01' });
  await placeCall({ start: '09:22:00', disposition: 'no-answer', status: 408, alert: '09:22:01', end: '09:22:31', hangupBy: 'system' });
  await placeCall({ start: '09:23:00', disposition: 'cancelled', status: 487, alert: '09:23:01', end: '09:23:05' });
  await placeCall({ start: '09:24:00', disposition: 'failed', status: 480, end: '09:24:00.200' });
  await placeCall({ start: '09:25:00', disposition: 'rejected', status: 403, end: '09:25:00.100' });
  // Hour 10: one starting exactly on the hour, one running past the hour's end (it counts in hour 10, talk included).
  await placeCall({ start: '10:00:00', disposition: 'rejected', status: 486, end: '10:00:00.100' });
  await placeCall({ start: '10:59:59', disposition: 'answered', status: 200, alert: '11:00:00', answer: '11:00:02', end: '11:02:02.250' }); // 120.25 s
  // Another tenant's call in the same hour stays out of acme's report.
  await placeCall({ start: '09:30:00', disposition: 'answered', status: 200, answer: '09:30:01', end: '09:31:01', tenant: 'globex' });
}, 30_000);

afterAll(async () => {
  await db?.close();
});

describe('hourly rollup (dynalite, CDRs and registrations written by the real functions)', () => {
  it('the scheduled run rolls every full hour since the tenant was first seen, and writes no row for an empty hour', async () => {
    clock = ms('12:05:00');
    const handler = createRollupHandler(deps);
    const result = await handler({ source: 'aws.events', 'detail-type': 'Scheduled Event' }, CONTEXT);
    // acme joined the rollup list with its first registration (09:10); globex never registered.
    expect(result.rolled).toEqual({ acme: [H09, H10, H11] });
    expect(await callRow(H11)).toBeUndefined();
    expect(await userRow(H11)).toBeUndefined();
  });

  it('counts every figure of the basic call report of hour 09', async () => {
    const row = (await callRow(H09))!;
    expect(row.total).toEqual({
      attempts: 7,
      alerted: 4,
      answered: 2,
      busy: 1,
      noAnswer: 1,
      cancelled: 1,
      failed: 1,
      rejected: 1,
      talkSeconds: 90.5,
      averageTalkSeconds: 45.25,
      asrPercent: 28.57,
      acdMinutes: 0.75,
    });
    expect(row.byDirection.internal).toMatchObject({ attempts: 6, busy: 0, answered: 2, asrPercent: 33.33 });
    expect(row.byDirection.inbound).toMatchObject({ attempts: 1, busy: 1, answered: 0, asrPercent: 0 });
    expect(row.byDirection.outbound.attempts).toBe(0);
  });

  it('puts a call in the hour it started: hour 10 has the call that started on the hour and the one that ran past its end', async () => {
    expect((await callRow(H10))!.total).toMatchObject({ attempts: 2, alerted: 1, answered: 1, rejected: 1, talkSeconds: 120.25, averageTalkSeconds: 120.25, asrPercent: 50, acdMinutes: 2 });
  });

  it('counts users online (distinct) and the peak at once, from registrations, refreshes, unregistration and expiry', async () => {
    // 09: 1001 from 09:10, 1002 09:30–09:45 → 2 users, both at once.
    expect(await userRow(H09)).toMatchObject({ usersOnline: 2, peakOnline: 2 });
    // 10: 1001 until its expiry at 10:10, 1002 from 10:20 → 2 users, never together.
    expect(await userRow(H10)).toMatchObject({ usersOnline: 2, peakOnline: 1 });
  });

  it('re-running an hour gives the same rows, and a second scheduled run in the same hour rolls nothing', async () => {
    const before = [await callRow(H09), await userRow(H09)];
    await rollupHour(deps, 'acme', H09);
    expect([await callRow(H09), await userRow(H09)]).toEqual(before);
    const again = await createRollupHandler(deps)({}, CONTEXT);
    expect(again.rolled).toEqual({ acme: [] });
  });

  it('catches up the hours missed while nothing ran', async () => {
    await placeCall({ start: '13:15:00', disposition: 'busy', status: 486, end: '13:15:01' });
    clock = ms('16:20:00');
    const result = await createRollupHandler(deps)({}, CONTEXT);
    expect(result.rolled.acme).toEqual([at('12:00:00'), at('13:00:00'), at('14:00:00'), at('15:00:00')]);
    expect((await callRow(at('13:00:00')))!.total).toMatchObject({ attempts: 1, busy: 1 });
    expect(await callRow(at('12:00:00'))).toBeUndefined();
  });

  it('an hour that became empty loses its row when rolled again', async () => {
    await db.stores.reports.saveReport('acme', 'CALLS', H11, { tenantId: 'acme', hour: H11 } as unknown as CallReportRow);
    expect(await callRow(H11)).toBeDefined();
    await rollupHour(deps, 'acme', H11);
    expect(await callRow(H11)).toBeUndefined();
  });

  it('counts a busy hour exactly: 1500 calls read through paged queries, not the whole history', async () => {
    const hour = at('20:00:00');
    const writes = Array.from({ length: 1500 }, (_, i) => {
      const start = new Date(Date.parse(hour) + i * 2000).toISOString();
      const answered = i % 3 !== 0;
      const end = new Date(Date.parse(start) + 1000 + (answered ? 10_000 + (i % 10) : 0)).toISOString();
      return cdrWriteFor(
        callEvent('call.end', {
          tenantId: 'acme',
          callId: `bulk-${i}`,
          direction: 'internal',
          caller: { ext: '1001' },
          callee: { ext: '1002' },
          startTime: start,
          ...(answered ? { answerTime: new Date(Date.parse(start) + 1000).toISOString() } : {}),
          endTime: end,
          disposition: answered ? 'answered' : 'busy',
          status: answered ? 200 : 486,
          hangupBy: 'caller',
        }) as never,
      );
    });
    for (let i = 0; i < writes.length; i += 100) await Promise.all(writes.slice(i, i + 100).map((w) => db.stores.cdrs.applyWrite(w)));
    const rolled = await rollupHour(deps, 'acme', hour);
    // 1000 answered calls of 10 000 + (i mod 10) ms: i mod 3 ≠ 0 picks every residue mod 10 equally often (100 each).
    const talkMs = 1000 * 10_000 + 100 * (0 + 1 + 2 + 3 + 4 + 5 + 6 + 7 + 8 + 9);
    expect(rolled.calls!.total).toMatchObject({ attempts: 1500, answered: 1000, busy: 500, talkSeconds: talkMs / 1000, asrPercent: 66.67 });
  }, 30_000);
});
