/**
 * The admin console (web-admin/, built by Vite into web-admin/dist) at
 * /admin/ on the local stack's HTTP port. It is static: it calls the admin
 * API under /api with the token the admin signs in with. /admin/reports,
 * the address of the earlier report page, leads to the console's reports.
 * Returns false for any path outside /admin.
 */
import type http from 'node:http';
import { serveStatic } from './static-files.js';

/** Only this origin: the console's own files and the API next to them; no inline script. */
const CSP = "default-src 'self'; connect-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'";

export async function serveAdminConsole(req: http.IncomingMessage, res: http.ServerResponse, path: string, root: string | undefined): Promise<boolean> {
  if (path !== '/admin' && !path.startsWith('/admin/')) return false;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' });
    res.end('Method not allowed\n');
    return true;
  }
  if (path === '/admin' || path === '/admin/reports') {
    // Relative asset paths need the trailing slash; the old report page's address opens the console's reports.
    res.writeHead(302, { location: path === '/admin' ? '/admin/' : '/admin/#/reports' });
    res.end();
    return true;
  }
  res.setHeader('content-security-policy', CSP);
  res.setHeader('x-frame-options', 'DENY');
  if (root && (await serveStatic(root, path.slice('/admin'.length), res))) return true;
  res.writeHead(root ? 404 : 503, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(root ? 'Not found\n' : 'The admin console is not built: npm run build:admin (npm start builds it)\n');
  return true;
}
