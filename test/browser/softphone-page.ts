import type { BrowserContext, Page } from 'playwright-core';

/**
 * The softphone as a test sees it: its data-testid controls. Page code runs
 * as strings so this file needs no DOM typings (the test tsconfig is Node's).
 */
export interface SoftphonePage {
  page: Page;
  /** Uncaught errors of the page, for failure messages. */
  errors: string[];
  /** Messages of the confirm()/alert() dialogs the page opened, in order. */
  dialogs: string[];
  /** WebSocket URLs the page opened. */
  sockets: string[];
  /** First lines of the SIP messages the page sent over its WebSockets ("INVITE sip:… SIP/2.0"). */
  sent: string[];
}

export interface OpenOptions {
  /** How to answer the page's confirm() dialogs; Playwright dismisses them when no one answers. */
  dialogs?: 'accept' | 'dismiss';
}

export async function openSoftphone(context: BrowserContext, query: Record<string, string>, options: OpenOptions = {}): Promise<SoftphonePage> {
  const page = await context.newPage();
  const phone: SoftphonePage = { page, errors: [], dialogs: [], sockets: [], sent: [] };
  page.on('pageerror', (err) => phone.errors.push(err.message));
  page.on('dialog', (dialog) => {
    phone.dialogs.push(dialog.message());
    void (options.dialogs === 'accept' ? dialog.accept() : dialog.dismiss()).catch(() => undefined);
  });
  page.on('websocket', (ws) => {
    phone.sockets.push(ws.url());
    ws.on('framesent', (frame) => phone.sent.push(String(frame.payload).split('\r\n', 1)[0] ?? ''));
  });
  await page.goto(Object.keys(query).length ? `/?${new URLSearchParams(query)}` : '/');
  return phone;
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

/** The sum of one inbound-rtp audio stat (W3C webrtc-stats §6.3) over this page's RTCPeerConnection; 0 without one. */
function inboundAudio(page: Page, stat: 'packetsReceived' | 'totalAudioEnergy'): Promise<number> {
  return page.evaluate(`(async () => {
    const pc = window.__nimbus && window.__nimbus.pc;
    if (!pc) return 0;
    let sum = 0;
    (await pc.getStats()).forEach((s) => {
      if (s.type === 'inbound-rtp' && s.kind === 'audio') sum += s[${JSON.stringify(stat)}] || 0;
    });
    return sum;
  })()`) as Promise<number>;
}

/** Audio RTP packets this page's RTCPeerConnection received. */
export const audioPacketsReceived = (page: Page) => inboundAudio(page, 'packetsReceived');

/** Audio energy the page decoded (totalAudioEnergy): > 0 only when sound arrived, not silence. */
export const audioEnergyReceived = (page: Page) => inboundAudio(page, 'totalAudioEnergy');

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

/** The remote description's audio proto and connection address as the page got it (what the edge's bridge presented). */
export function remoteMedia(page: Page): Promise<{ proto?: string; address?: string }> {
  return page.evaluate(`(() => {
    const sdp = window.__nimbus && window.__nimbus.pc && window.__nimbus.pc.remoteDescription && window.__nimbus.pc.remoteDescription.sdp;
    if (!sdp) return {};
    const m = /^m=audio \\d+ (\\S+)/m.exec(sdp);
    const c = /^c=IN IP4 (\\S+)/m.exec(sdp);
    return { proto: m ? m[1] : undefined, address: c ? c[1] : undefined };
  })()`) as Promise<{ proto?: string; address?: string }>;
}
