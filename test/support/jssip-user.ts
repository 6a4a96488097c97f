import JsSIP from 'jssip';
import { WebSocket } from 'ws';

// JsSIP expects the browser's WebSocket; Node 20 has none, so lend it ws's (same API).
(globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;
if (!process.env.JSSIP_DEBUG) JsSIP.debug.disable('JsSIP:*');

export type RegistrationOutcome = { registered: true } | { registered: false; cause: string; status?: number };

export interface JsSipUser {
  ua: JsSIP.UA;
  /** Resolves on the first registration outcome. */
  registration: Promise<RegistrationOutcome>;
  stop(): Promise<void>;
}

/** A JsSIP user agent in Node, signalling over SIP-over-WebSocket like the browser softphone will. */
export function startJsSipUser(opts: { wsUrl: string; ext: string; domain: string; password: string; expires?: number }): JsSipUser {
  const socket = new JsSIP.WebSocketInterface(opts.wsUrl);
  const ua = new JsSIP.UA({
    sockets: [socket],
    uri: `sip:${opts.ext}@${opts.domain}`,
    password: opts.password,
    register: true,
    register_expires: opts.expires ?? 300,
    connection_recovery_min_interval: 60,
    connection_recovery_max_interval: 60,
  });
  const registration = new Promise<RegistrationOutcome>((resolve) => {
    ua.on('registered', () => resolve({ registered: true }));
    ua.on('registrationFailed', (e) =>
      resolve({ registered: false, cause: String(e.cause), status: (e.response as { status_code?: number } | undefined)?.status_code }),
    );
  });
  ua.start();
  return {
    ua,
    registration,
    stop: async () => {
      ua.stop();
      await new Promise((r) => setTimeout(r, 200));
    },
  };
}
