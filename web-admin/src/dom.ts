/** A few DOM helpers: elements from data (no innerHTML with data, so nothing typed by a user is ever parsed as markup). */
type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | undefined | ((event: Event) => void)>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(name.replace(/^on/, ''), value);
    else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(value));
  }
  for (const child of children) if (child !== null && child !== undefined && child !== false) el.append(typeof child === 'number' ? String(child) : child);
  return el;
}

/** How a value shows in a table cell. */
export function text(value: unknown): string {
  if (value === undefined || value === null || value === '') return '—';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (Array.isArray(value)) return value.length === 0 ? '—' : value.map(text).join(', ');
  return String(value);
}

export interface Column<R> {
  header: string;
  cell: (row: R) => Child;
}

/** A table of rows; each row gets data-testid="<testId>-row" and data-key for tests and for finding it again. */
export function table<R>(testId: string, columns: Column<R>[], rows: R[], key: (row: R) => string, empty: string): HTMLElement {
  if (rows.length === 0) return h('p', { class: 'empty', 'data-testid': `${testId}-empty` }, empty);
  return h(
    'table',
    { 'data-testid': testId },
    h('thead', {}, h('tr', {}, ...columns.map((c) => h('th', {}, c.header)))),
    h('tbody', {}, ...rows.map((row) => h('tr', { 'data-testid': `${testId}-row`, 'data-key': key(row) }, ...columns.map((c) => h('td', {}, c.cell(row)))))),
  );
}

/** A labelled input for the forms. */
export function field(label: string, input: HTMLInputElement | HTMLSelectElement): HTMLLabelElement {
  return h('label', { class: 'field' }, h('span', {}, label), input);
}

/** "" → undefined, else a whole number (the input's min/step already refused the rest). */
export function numberOrUndefined(input: HTMLInputElement): number | undefined {
  return input.value.trim() === '' ? undefined : Number(input.value);
}
