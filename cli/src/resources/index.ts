/** Every resource of `nimbus <resource> <verb>`, in the order of `nimbus --help`. */
import type { ResourceSpec } from '../command-spec.js';
import { AUDIT } from './audit.js';
import { BANS } from './bans.js';
import { CALLS } from './calls.js';
import { REPORTS } from './reports.js';
import { SEED } from './seed.js';
import { SETTINGS } from './settings.js';
import { TENANTS } from './tenants.js';
import { TOKENS } from './tokens.js';
import { TRUNKS } from './trunks.js';
import { USERS } from './users.js';

export const RESOURCES: readonly ResourceSpec[] = [TENANTS, USERS, CALLS, TRUNKS, BANS, TOKENS, SETTINGS, REPORTS, SEED, AUDIT];
