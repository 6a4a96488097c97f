import type { EdgeSettings } from '../../../contracts/settings/edge-settings.js';
import type { LocalStack } from './start-local-stack.js';

/** What a new user needs after `npm start`: where things listen and how to register a phone. */
export function printBanner(config: EdgeSettings, stack: LocalStack): void {
  const host = config.advertisedHost;
  const tenant = stack.seed.tenants[0];
  const user = tenant?.users[0];
  const domain = tenant?.domains[0];
  const ws = config.tls ? 'wss' : 'ws';
  const http = config.tls ? 'https' : 'http';
  const lines = [
    '',
    'Nimbus PBX is running',
    `  SIP (UDP+TCP)   ${host}:${stack.sipPort}`,
    ...(stack.tlsPort ? [`  SIP (TLS)       ${host}:${stack.tlsPort}`] : []),
    `  SIP WebSocket   ${ws}://${host}:${stack.httpPort}/ws   (subprotocol "sip")`,
    `  Health          ${http}://${host}:${stack.httpPort}/healthz`,
    `  Softphone       ${http}://${host}:${stack.httpPort}/`,
    `  Store           ${stack.storeEndpoint}   data in ${config.dataDir}`,
    `  Admin console   ${http}://${host}:${stack.httpPort}/admin/   (sign in with the admin token)`,
    `  Admin API       ${http}://${host}:${stack.httpPort}/api/v1/…   or npx nimbus <resource> <verb>`,
    `  Metrics         ${http}://${host}:${stack.httpPort}/metrics   (Bearer: PBX_METRICS_TOKEN or the admin token)`,
    // The token is shown only on the start that generated it: later starts (and their logs) name where it is kept.
    stack.adminToken.source === 'env'
      ? '  Admin token     from PBX_ADMIN_TOKEN'
      : stack.adminToken.source === 'generated'
        ? `  Admin token     ${stack.adminToken.token}   (generated now, kept in ${config.dataDir}/admin-token; set PBX_ADMIN_TOKEN to choose one)`
        : `  Admin token     kept in ${config.dataDir}/admin-token (not shown; set PBX_ADMIN_TOKEN to choose one)`,
    `  Media bridge    ${stack.mediaNg ? `rtpengine (ng ${stack.mediaNg.host}:${stack.mediaNg.port})` : 'none: browser ↔ desk phone calls get 488 (install rtpengine-daemon)'}`,
    `  Seed            ${config.seedFile ?? 'demo seed (functions/src/seed/demo-seed.json)'}`,
  ];
  if (tenant && user && domain) {
    lines.push(
      '',
      'Register a phone:',
      `  server / registrar  ${host}:${stack.sipPort} (UDP or TCP)   domain ${domain}`,
      `  user / auth name    ${user.ext}   password: see the seed file`,
      `  or with SIPp:      sipp ${host}:${stack.sipPort} -sf test/sipp/register-auth.xml -m 1 -s ${user.ext} -au ${user.ext} -ap <password> -set domain ${domain} -set expires 300`,
    );
  }
  lines.push('', 'Stop with Ctrl-C.', '');
  console.log(lines.join('\n'));
}
