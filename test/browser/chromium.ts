import { chromium, type Browser, type BrowserContext } from 'playwright-core';

/**
 * Debian's Chromium, headless. Fake microphone (a beeping test tone) and an
 * auto-accepted permission prompt; loopback ICE candidates allowed so two
 * pages on one machine exchange real DTLS-SRTP audio. The background-network
 * flags keep Chromium from calling home on a closed network.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--allow-loopback-in-peer-connection',
  '--autoplay-policy=no-user-gesture-required',
];

/**
 * Playwright gives every launch a fresh temporary --user-data-dir. A WAV
 * file replaces the fake microphone's beep with a steady sound
 * (--use-file-for-fake-audio-capture) where a test measures what arrives.
 */
export function launchChromium(options: { microphoneWav?: string } = {}): Promise<Browser> {
  const args = options.microphoneWav ? [...CHROMIUM_ARGS, `--use-file-for-fake-audio-capture=${options.microphoneWav}`] : CHROMIUM_ARGS;
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args, timeout: 20_000 });
}

/** A fresh profile per phone: its own localStorage, like a second computer. */
export function newPhoneContext(browser: Browser, origin: string): Promise<BrowserContext> {
  return browser.newContext({ permissions: ['microphone'], baseURL: origin, viewport: { width: 420, height: 860 } });
}

/** Phone profiles of one test file: each opened with newPhoneContext (10 s default timeout), all closed by closeAll. */
export function phoneProfiles(browser: () => Browser, origin: () => string) {
  const contexts: BrowserContext[] = [];
  return {
    async open(): Promise<BrowserContext> {
      const context = await newPhoneContext(browser(), origin());
      context.setDefaultTimeout(10_000);
      contexts.push(context);
      return context;
    },
    async closeAll(): Promise<void> {
      for (const context of contexts.splice(0)) await context.close().catch(() => undefined);
    },
  };
}
