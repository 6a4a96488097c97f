import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * Structured logs (pino). Credentials never reach a log line: SIP messages are
 * logged by summary (method, Call-ID, status), and anything that looks like a
 * digest header is redacted should it be logged by accident.
 */
export function createLogger(level: string, name = 'nimbus-edge', destination?: DestinationStream): Logger {
  const options = {
    name,
    level,
    redact: {
      paths: ['*.authorization', '*.Authorization', '*.password', '*.ha1', 'headers.authorization', 'headers["proxy-authorization"]'],
      censor: '[redacted]',
    },
  };
  // stdout unless told otherwise (tests read the lines back).
  return destination ? pino(options, destination) : pino(options);
}
