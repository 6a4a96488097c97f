import type { Page } from 'playwright-core';

/**
 * The admin console as a test sees it: data-testid controls, rows found by
 * their data-key. Page code runs as strings so this file needs no DOM typings.
 */

/** The rows of a table (data-testid="<table>-row") by key. */
export async function rowKeys(page: Page, tableTestId: string): Promise<string[]> {
  return page.evaluate(`[...document.querySelectorAll('[data-testid="${tableTestId}-row"]')].map((r) => r.dataset.key)`) as Promise<string[]>;
}

/** Waits until `holds(keys)` for the table's row keys (live views refresh by themselves). */
export async function waitForRows(page: Page, tableTestId: string, holds: (keys: string[]) => boolean, what: string, timeoutMs = 10_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const keys = await rowKeys(page, tableTestId);
    if (holds(keys)) return keys;
    if (Date.now() > deadline) throw new Error(`${tableTestId}: never ${what} (rows: ${JSON.stringify(keys)})`);
    await page.waitForTimeout(100);
  }
}

/** The text of the row with this key. */
export async function rowText(page: Page, tableTestId: string, key: string): Promise<string> {
  return (await page.locator(`[data-testid="${tableTestId}-row"][data-key="${key}"]`).innerText()).replace(/\s+/g, ' ').trim();
}

/** A control of the row with this key. */
export function rowControl(page: Page, tableTestId: string, key: string, control: string) {
  return page.locator(`[data-testid="${tableTestId}-row"][data-key="${key}"] [data-testid="${control}"]`);
}

export async function statusText(page: Page): Promise<string> {
  return ((await page.getByTestId('status').textContent()) ?? '').trim();
}
