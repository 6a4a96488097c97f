/**
 * CSV (RFC 4180) of report rows and CDRs: a header row, CRLF line ends,
 * fields quoted only when they hold a comma, a quote or a line break. The
 * JSON and CSV forms come from the same rows, so they carry the same numbers.
 */
import type { CdrRecord } from '../cdr/cdr-record.js';
import { CALL_DIRECTIONS, CALL_FIGURE_NAMES, type CallReportRow } from './call-report.js';
import { USER_FIGURE_NAMES, type UserReportRow } from './user-report.js';

type Cell = string | number | undefined;

function field(value: Cell): string {
  const text = value === undefined ? '' : String(value);
  // A leading =, +, -, @, TAB or CR may be read as a formula by a spreadsheet (OWASP CSV
  // injection): prefix a single quote, then still quote per RFC 4180. Numbers are exempt.
  const safe = typeof value === 'string' && /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function toCsv(header: readonly string[], rows: readonly Cell[][]): string {
  return [header, ...rows].map((r) => r.map(field).join(',')).join('\r\n') + '\r\n';
}

/** One line per hour and direction: "total", then internal, inbound, outbound. */
export function callReportCsv(rows: readonly CallReportRow[]): string {
  const lines: Cell[][] = [];
  for (const row of rows) {
    for (const direction of ['total', ...CALL_DIRECTIONS] as const) {
      const f = direction === 'total' ? row.total : row.byDirection[direction];
      lines.push([row.hour, direction, ...CALL_FIGURE_NAMES.map((n) => f[n])]);
    }
  }
  return toCsv(['hour', 'direction', ...CALL_FIGURE_NAMES], lines);
}

export function userReportCsv(rows: readonly UserReportRow[]): string {
  return toCsv(['hour', ...USER_FIGURE_NAMES], rows.map((r) => [r.hour, ...USER_FIGURE_NAMES.map((n) => r[n])]));
}

const CDR_COLUMNS = [
  'callId',
  'direction',
  'caller',
  'callee',
  'startTime',
  'alertTime',
  'answerTime',
  'endTime',
  'disposition',
  'status',
  'hangupBy',
  'ringSeconds',
  'talkSeconds',
  'reason',
  'state',
  'trunkId',
  // Appended (columns keep their places): two calls with one Call-ID are told apart by these.
  'fromTag',
  'callRef',
] as const;

export function cdrCsv(cdrs: readonly CdrRecord[]): string {
  return toCsv(
    CDR_COLUMNS,
    cdrs.map((c) => CDR_COLUMNS.map((col) => (col === 'caller' || col === 'callee' ? c[col]?.ext : (c[col] as Cell)))),
  );
}
