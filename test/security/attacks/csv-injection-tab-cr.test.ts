import { describe, expect, it } from 'vitest';
import { toCsv } from '../../../functions/src/reports/report-csv.js';

// OWASP CSV injection: a cell a spreadsheet may read as a formula starts with
// =, +, -, @, TAB or CR; the attacker controls such text (e.g. a caller's user part).
describe('CSV export neutralises formula-leading cells (OWASP CSV injection)', () => {
  it.each(['\t=HYPERLINK("http://evil")', '\r=HYPERLINK("http://evil")', '=HYPERLINK("http://evil")'])(
    'cell %j is prefixed with a quote and still RFC 4180 quoted',
    (cell) => {
      const csv = toCsv(['caller'], [[cell]]);
      const body = csv.slice('caller\r\n'.length, -2);
      expect(body.startsWith(`"'`) || body.startsWith(`'`)).toBe(true);
    },
  );
});
