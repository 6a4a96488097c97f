/**
 * What a command prints: the API's JSON as it came (--json, for scripts and
 * jq), or for people a table of rows (lists), a two-column table of fields
 * (one thing), or one line saying what was done (204 replies).
 */
import Table from 'cli-table3';

export interface Column {
  header: string;
  value: (row: any) => unknown;
}

export type Rendering =
  /** A list: which array of the reply, and its columns. */
  | { kind: 'rows'; rows: (body: any) => unknown[]; columns: Column[]; empty?: string }
  /** One object: these fields, or every top-level field. */
  | { kind: 'record'; fields?: Column[] }
  /** Nothing came back (204): this line. */
  | { kind: 'done'; message: string }
  /** A document (a seed): JSON whatever --json says, so it can be saved and imported. */
  | { kind: 'document' };

/** No colours and light borders: the output is read in terminals, logs and CI alike. */
const PLAIN = { style: { head: [] as string[], border: [] as string[], compact: true } };

export function cell(value: unknown): string {
  if (value === undefined || value === null || value === '') return '—';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (Array.isArray(value)) return value.length === 0 ? '—' : value.map(cell).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

const field = (name: string): Column => ({ header: name, value: (row) => (row as Record<string, unknown>)[name] });

export function render(body: unknown, rendering: Rendering, json: boolean): string {
  if (json || rendering.kind === 'document') return body === undefined ? '' : `${JSON.stringify(body, null, 2)}\n`;
  if (rendering.kind === 'done') return `${rendering.message}\n`;
  if (rendering.kind === 'rows') {
    const rows = rendering.rows(body) ?? [];
    if (rows.length === 0) return `${rendering.empty ?? 'none'}\n`;
    const table = new Table({ ...PLAIN, head: rendering.columns.map((c) => c.header) });
    for (const row of rows) table.push(rendering.columns.map((c) => cell(c.value(row))));
    return `${table.toString()}\n`;
  }
  const record = (body ?? {}) as Record<string, unknown>;
  const fields = rendering.fields ?? Object.keys(record).map(field);
  const table = new Table(PLAIN);
  for (const f of fields) table.push({ [f.header]: cell(f.value(record)) });
  return `${table.toString()}\n`;
}

/** Columns named after the reply's fields. */
export const columns = (...names: string[]): Column[] => names.map(field);
