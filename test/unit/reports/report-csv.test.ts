import { describe, expect, it } from 'vitest';
import { buildCallReport } from '../../../functions/src/reports/call-report.js';
import { callReportCsv, cdrCsv, toCsv, userReportCsv } from '../../../functions/src/reports/report-csv.js';

describe('report CSV', () => {
  it('has a header row and one line per hour and direction, with the JSON numbers', () => {
    const row = buildCallReport('acme', '2026-11-26T10:00:00.000Z', [
      { tenantId: 'acme', callId: 'a', direction: 'internal', disposition: 'answered', talkSeconds: 12.5 },
      { tenantId: 'acme', callId: 'b', direction: 'inbound', disposition: 'busy' },
    ])!;
    const lines = callReportCsv([row]).trimEnd().split('\r\n');
    expect(lines[0]).toBe('hour,direction,attempts,alerted,answered,busy,noAnswer,cancelled,failed,rejected,talkSeconds,averageTalkSeconds,asrPercent,acdMinutes');
    expect(lines.slice(1)).toEqual([
      '2026-11-26T10:00:00.000Z,total,2,0,1,1,0,0,0,0,12.5,12.5,50,0.21',
      '2026-11-26T10:00:00.000Z,internal,1,0,1,0,0,0,0,0,12.5,12.5,100,0.21',
      '2026-11-26T10:00:00.000Z,inbound,1,0,0,1,0,0,0,0,0,0,0,0',
      '2026-11-26T10:00:00.000Z,outbound,0,0,0,0,0,0,0,0,0,0,0,0',
    ]);
  });

  it('writes the user report with its two figures', () => {
    expect(userReportCsv([{ tenantId: 'acme', hour: '2026-11-26T10:00:00.000Z', usersOnline: 3, peakOnline: 2 }])).toBe(
      'hour,usersOnline,peakOnline\r\n2026-11-26T10:00:00.000Z,3,2\r\n',
    );
  });

  it('quotes commas and quotes (RFC 4180) and defuses spreadsheet formulas', () => {
    expect(toCsv(['a', 'b'], [['x,y', 'say "hi"'], ['=cmd()', 3]])).toBe('a,b\r\n"x,y","say ""hi"""\r\n\'=cmd(),3\r\n');
  });

  it('writes CDRs with caller and callee extensions', () => {
    const csv = cdrCsv([{ tenantId: 'acme', callId: 'c1', caller: { ext: '1001' }, callee: { ext: '1002' }, disposition: 'busy', status: 486 }]);
    expect(csv.split('\r\n')[1]).toBe('c1,,1001,1002,,,,,busy,486,,,,,,,,');
  });

  it('names the trunk of a trunk call in its column', () => {
    const csv = cdrCsv([{ tenantId: 'acme', callId: 'c2', direction: 'outbound', caller: { ext: '1001' }, callee: { ext: '95550123' }, trunkId: 'carrier1', disposition: 'answered', status: 200 }]);
    const [header, row] = csv.split('\r\n');
    const column = header!.split(',').indexOf('trunkId');
    expect(row!.split(',')[column]).toBe('carrier1');
  });

  it('ends with the From tag and callRef that tell two calls with one Call-ID apart (issue 12)', () => {
    const csv = cdrCsv([
      { tenantId: 'acme', callId: 'shared', callRef: 'ref-1', fromTag: 'tag-a', disposition: 'answered', status: 200 },
      { tenantId: 'acme', callId: 'shared', callRef: 'ref-2', fromTag: 'tag-b', disposition: 'rejected', status: 403 },
    ]);
    const [header, ...rows] = csv.split('\r\n');
    expect(header!.split(',').slice(-3)).toEqual(['trunkId', 'fromTag', 'callRef']);
    expect(rows.filter((r) => r !== '').map((r) => r.split(',').slice(-2))).toEqual([['tag-a', 'ref-1'], ['tag-b', 'ref-2']]);
  });
});
