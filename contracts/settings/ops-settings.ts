/**
 * Operations settings of an edge: who may scrape its Prometheus metrics and
 * where it mirrors its SIP traffic (a Homer collector, HEP v3).
 *
 * | Variable           | Default | Meaning |
 * |--------------------|---------|---------|
 * | PBX_METRICS_TOKEN  | —       | Bearer token Prometheus presents at /metrics; the admin token (PBX_ADMIN_TOKEN or the local stack's generated one) is accepted too. Neither set: /metrics answers 401 to everybody |
 * | PBX_HEP_ADDRESS    | — (off) | `host:port` of a HEP v3 collector (Homer, heplify-server); every SIP message the edge sends and receives is copied there over UDP. Port 9060 when omitted |
 * | PBX_HEP_CAPTURE_ID | 1       | HEP capture agent id (chunk 0x000c): tells this edge's copies apart in Homer |
 * | PBX_HEP_PASSWORD   | —       | HEP authentication key (chunk 0x000e), when the collector wants one |
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { optionalString, parseEnv, wholeNumber, type Env, type Parsed } from './env-values.js';

export interface HepTarget {
  host: string;
  port: number;
  captureId: number;
  password?: string;
}

export interface OpsSettings {
  metricsToken?: string;
  /** Absent: no SIP capture. */
  hep?: HepTarget;
}

/** Homer's (heplify-server's) default HEP port. */
export const DEFAULT_HEP_PORT = 9060;

/** `host`, `host:port`, `[v6]` or `[v6]:port` → host and port; undefined when malformed. */
export function parseHostPort(value: string, defaultPort: number): { host: string; port: number } | undefined {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]\s]+))(?::(\d{1,5}))?$/.exec(value.trim());
  if (!m) return undefined;
  const host = m[1] ?? m[2]!;
  if (m[1] !== undefined && isIP(host) !== 6) return undefined;
  const port = m[3] === undefined ? defaultPort : Number(m[3]);
  if (port < 1 || port > 65_535) return undefined;
  return { host, port };
}

const opsSchema = z.object({
  PBX_METRICS_TOKEN: optionalString.refine((v) => v === undefined || v.length >= 16, { message: 'must be at least 16 characters' }),
  PBX_HEP_ADDRESS: optionalString.refine((v) => v === undefined || parseHostPort(v, DEFAULT_HEP_PORT) !== undefined, {
    message: 'must be host:port of a HEP collector, e.g. 10.0.0.5:9060 or homer:9060',
  }),
  PBX_HEP_CAPTURE_ID: wholeNumber(1, 0, 0xffff_ffff),
  PBX_HEP_PASSWORD: optionalString,
});

export function parseOpsSettings(env: Env): Parsed<OpsSettings> {
  const parsed = parseEnv(opsSchema, env);
  if (!parsed.ok) return parsed;
  const o = parsed.value;
  const target = o.PBX_HEP_ADDRESS === undefined ? undefined : parseHostPort(o.PBX_HEP_ADDRESS, DEFAULT_HEP_PORT);
  return {
    ok: true,
    value: {
      ...(o.PBX_METRICS_TOKEN !== undefined ? { metricsToken: o.PBX_METRICS_TOKEN } : {}),
      ...(target
        ? { hep: { ...target, captureId: o.PBX_HEP_CAPTURE_ID, ...(o.PBX_HEP_PASSWORD !== undefined ? { password: o.PBX_HEP_PASSWORD } : {}) } }
        : {}),
    },
  };
}
