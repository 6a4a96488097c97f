import type { BrowserContext, Page } from 'playwright-core';

/**
 * The softphone as a test sees it: its data-testid controls. Page code runs
 * as strings so this file needs no DOM typings (the test tsconfig is Node's).
 */
export interface SoftphonePage {
  page: Page;
  /** Uncaught errors of the page, for failure messages. */
  errors: string[];
}

export async function openSoftphone(context: BrowserContext, query: Record<string, string>): Promise<SoftphonePage> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(`/?${new URLSearchParams(query)}`);
  return { page, errors };
}

/** Waits until the element's whole text is exactly `text`. */
export async function waitForText(page: Page, testId: string, text: string, timeoutMs = 10_000): Promise<void> {
  const expression = `document.querySelector('[data-testid="${testId}"]')?.textContent?.trim() === ${JSON.stringify(text)}`;
  try {
    await page.waitForFunction(expression, undefined, { timeout: timeoutMs, polling: 100 });
  } catch {
    throw new Error(`${testId} never became "${text}" (it is "${await textOf(page, testId)}")`);
  }
}

export async function textOf(page: Page, testId: string): Promise<string> {
  return ((await page.getByTestId(testId).textContent()) ?? '').trim();
}

/** Audio RTP packets this page's RTCPeerConnection received (inbound-rtp stats, W3C webrtc-stats §6.3). */
export function audioPacketsReceived(page: Page): Promise<number> {
  return page.evaluate(`(async () => {
    const pc = window.__nimbus && window.__nimbus.pc;
    if (!pc) return 0;
    let packets = 0;
    (await pc.getStats()).forEach((s) => {
      if (s.type === 'inbound-rtp' && s.kind === 'audio') packets += s.packetsReceived || 0;
    });
    return packets;
  })()`) as Promise<number>;
}

/** The selected ICE candidate pair's DTLS transport state ("connected" once DTLS-SRTP keys are agreed, RFC 5764). */
export function dtlsState(page: Page): Promise<string | undefined> {
  return page.evaluate(`(async () => {
    const pc = window.__nimbus && window.__nimbus.pc;
    if (!pc) return undefined;
    let state;
    (await pc.getStats()).forEach((s) => { if (s.type === 'transport') state = s.dtlsState; });
    return state;
  })()`) as Promise<string | undefined>;
}
