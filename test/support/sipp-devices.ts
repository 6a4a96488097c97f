import { freePort } from './free-port.js';
import { runSipp, type SippResult } from './sipp.js';

export interface SippDevice {
  ext: string;
  port: number;
  transport: 'udp' | 'tcp';
}

/**
 * Registers a SIPp "device" from the port its UAS scenario will listen on
 * later, so the binding points where the call will arrive (as a desk phone's would).
 */
export async function registerSippDevice(
  target: string,
  user: { ext: string; password: string; domain: string },
  transport: 'udp' | 'tcp' = 'udp',
  port?: number,
): Promise<SippDevice> {
  const localPort = port ?? (await freePort());
  const result = await runSipp({
    scenario: 'register-auth.xml',
    transport,
    target,
    service: user.ext,
    authUser: user.ext,
    password: user.password,
    vars: { domain: user.domain, expires: '300' },
    localPort,
  });
  if (result.code !== 0) throw new Error(`registration of ${user.ext} failed: ${result.stderr}`);
  return { ext: user.ext, port: localPort, transport };
}

/** Starts a SIPp UAS scenario on the device's port; resolves when its one call is done. */
export function runUas(target: string, device: SippDevice, scenario: string, template?: Record<string, string>, signal?: AbortSignal, calls = 1): Promise<SippResult> {
  return runSipp({ scenario, transport: device.transport, target, service: device.ext, localPort: device.port, timeoutSeconds: 30 + calls, template, signal, calls });
}
