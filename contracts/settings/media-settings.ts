/**
 * The media bridge (docs/media.md): which rtpengine anchors the calls whose
 * two legs differ in media profile (browser ↔ desk phone or carrier), and
 * where it listens for RTP.
 *
 * | Variable               | Default        | Meaning |
 * |------------------------|----------------|---------|
 * | PBX_RTPENGINE          | auto           | Local stack: `auto` starts `rtpengine` as a child process when it is installed, `off` never does (calls that need the bridge get 488) |
 * | PBX_RTPENGINE_NG       | —              | `host:port` of a running rtpengine's ng control socket (UDP); set, nothing is started (the cloud sidecar: 127.0.0.1:22222) |
 * | PBX_MEDIA_ANCHOR_ALL   | false          | `true`: every call's media passes rtpengine, not only the mixed ones (phones behind NAT) |
 * | PBX_MEDIA_INTERFACE    | PBX_BIND, or 127.0.0.1 when that is 0.0.0.0 | Local IPv4 address rtpengine receives RTP on |
 * | PBX_MEDIA_ADVERTISED   | PBX_MEDIA_INTERFACE | Address written into SDP (a public IP in front of NAT) |
 * | PBX_RTP_PORT_MIN / _MAX | 30000 / 30999 | UDP port range of the started rtpengine (2 ports per plain leg, 1 per browser leg) |
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { parseHostPort } from './ops-settings.js';
import { optionalString, parseEnv, wholeNumber, type Env, type Parsed } from './env-values.js';

export interface MediaSettings {
  /** Start rtpengine with the local stack (`auto`) or never (`off`); ignored when `ng` is set. */
  rtpengine: 'auto' | 'off';
  /** A running rtpengine's ng address: nothing is started. */
  ng?: { host: string; port: number };
  anchorAll: boolean;
  interface: string;
  advertised: string;
  portMin: number;
  portMax: number;
}

/** rtpengine's conventional ng port. */
export const DEFAULT_NG_PORT = 22222;

const ipv4 = (field: string) =>
  optionalString.refine((v) => v === undefined || isIP(v) === 4, { message: `must be an IPv4 address (${field})` });

const mediaSchema = z
  .object({
    PBX_RTPENGINE: z.preprocess((v) => (v === '' || v === undefined ? 'auto' : v), z.enum(['auto', 'off'])),
    PBX_RTPENGINE_NG: optionalString.refine((v) => v === undefined || parseHostPort(v, DEFAULT_NG_PORT) !== undefined, {
      message: 'must be host:port of rtpengine\'s ng socket, e.g. 127.0.0.1:22222',
    }),
    PBX_MEDIA_ANCHOR_ALL: z.preprocess((v) => (v === '' || v === undefined ? 'false' : v), z.enum(['true', 'false'])),
    PBX_MEDIA_INTERFACE: ipv4('the address rtpengine binds'),
    PBX_MEDIA_ADVERTISED: ipv4('the address written into SDP'),
    PBX_RTP_PORT_MIN: wholeNumber(30_000, 1024, 65_535),
    PBX_RTP_PORT_MAX: wholeNumber(30_999, 1024, 65_535),
  })
  .superRefine((m, ctx) => {
    // Each leg takes an even RTP port and the next one for RTCP: fewer than 4 ports cannot carry a bridged call.
    if (m.PBX_RTP_PORT_MAX - m.PBX_RTP_PORT_MIN < 3) {
      ctx.addIssue({ code: 'custom', path: ['PBX_RTP_PORT_MAX'], message: 'must be at least PBX_RTP_PORT_MIN + 3' });
    }
  });

/** `bind` is PBX_BIND: rtpengine listens on the same address as SIP unless told otherwise. */
export function parseMediaSettings(env: Env, bind: string): Parsed<MediaSettings> {
  const parsed = parseEnv(mediaSchema, env);
  if (!parsed.ok) return parsed;
  const m = parsed.value;
  const iface = m.PBX_MEDIA_INTERFACE ?? (isIP(bind) === 4 && bind !== '0.0.0.0' ? bind : '127.0.0.1');
  const ng = m.PBX_RTPENGINE_NG === undefined ? undefined : parseHostPort(m.PBX_RTPENGINE_NG, DEFAULT_NG_PORT);
  return {
    ok: true,
    value: {
      rtpengine: m.PBX_RTPENGINE,
      ...(ng ? { ng } : {}),
      anchorAll: m.PBX_MEDIA_ANCHOR_ALL === 'true',
      interface: iface,
      advertised: m.PBX_MEDIA_ADVERTISED ?? iface,
      portMin: m.PBX_RTP_PORT_MIN,
      portMax: m.PBX_RTP_PORT_MAX,
    },
  };
}

export const MEDIA_ENV = [
  'PBX_RTPENGINE',
  'PBX_RTPENGINE_NG',
  'PBX_MEDIA_ANCHOR_ALL',
  'PBX_MEDIA_INTERFACE',
  'PBX_MEDIA_ADVERTISED',
  'PBX_RTP_PORT_MIN',
  'PBX_RTP_PORT_MAX',
] as const;
