/**
 * vitest globalSetup: builds the web softphone and the admin console once,
 * before any test file runs. Test files run in parallel forks; a build per
 * file would empty and rewrite web-softphone/dist (or web-admin/dist) while
 * another file's edge serves it. The tests drive exactly what `npm start`
 * serves (its prestart runs the same builds).
 */
import { buildAdminConsole } from '../browser/build-admin-console.js';
import { buildSoftphone } from '../browser/build-softphone.js';

export default function setup(): void {
  buildSoftphone();
  buildAdminConsole();
}
