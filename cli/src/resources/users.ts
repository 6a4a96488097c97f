import { randomBytes } from 'node:crypto';
import { bodyOf, limit, seg, tenantPath, wholeNumber, yesNo, type OptionSpec, type ResourceSpec, type VerbInput } from '../command-spec.js';
import { columns } from '../output.js';

/** The user fields an add or an edit may set (the API's names). */
const USER_FIELDS = ['password', 'displayName', 'multiDevice', 'maxDevices', 'maxCalls', 'maxOutgoingCalls'] as const;

const userOptions = (forEdit: boolean): OptionSpec[] => [
  { flags: '--password <password>', description: forEdit ? 'new password (stored only as digest HA1s)' : 'password (stored only as digest HA1s)' },
  { flags: '--display-name <name>', description: forEdit ? 'caller name ("none" removes it)' : 'caller name', parse: (v) => (forEdit && v === 'none' ? null : v) },
  { flags: '--multi-device <yes|no>', description: 'MSS "one number, multi-devices": several devices at once', parse: yesNo('--multi-device') },
  { flags: '--max-devices <n>', description: 'devices at once when multi-device is on', parse: wholeNumber('--max-devices') },
  { flags: '--max-calls <n>', description: 'concurrent calls, in and out ("none": unlimited)', parse: limit('--max-calls') },
  { flags: '--max-outgoing-calls <n>', description: 'concurrent outgoing calls ("none": unlimited)', parse: limit('--max-outgoing-calls') },
];

/**
 * No --password: one is generated (18 random bytes, 24 characters of
 * base64url) and printed once on stderr — it cannot be read back later.
 */
function passwordFor(input: VerbInput): void {
  if (input.options.password !== undefined) return;
  input.options.password = randomBytes(18).toString('base64url');
  input.options.generatedPassword = input.options.password;
}

const generated = (input: VerbInput) =>
  input.options.generatedPassword === undefined ? undefined : `generated password of ${input.args.ext}: ${String(input.options.generatedPassword)}`;

const userPath = (input: VerbInput) => `${tenantPath(input)}/users/${seg(input.args.ext)}`;

export const USERS: ResourceSpec = {
  resource: 'users',
  summary: 'users (extensions) of a tenant',
  verbs: [
    {
      verb: 'list',
      summary: 'list the users',
      tenant: true,
      options: [{ flags: '--limit <n>', description: 'at most this many (1-1000)', parse: wholeNumber('--limit') }],
      request: (input) => ({ method: 'GET', path: `${tenantPath(input)}/users`, query: { limit: input.options.limit?.toString() } }),
      render: { kind: 'rows', rows: (b) => b.users, columns: columns('ext', 'displayName', 'multiDevice', 'maxDevices', 'maxCalls', 'maxOutgoingCalls'), empty: 'no users' },
    },
    {
      verb: 'get',
      summary: 'show one user',
      tenant: true,
      args: ['<ext>'],
      request: (input) => ({ method: 'GET', path: userPath(input) }),
      render: { kind: 'record' },
    },
    {
      verb: 'add',
      summary: 'add a user; it may register at once',
      tenant: true,
      args: ['<ext>'],
      options: userOptions(false),
      request: (input) => {
        passwordFor(input);
        return { method: 'POST', path: `${tenantPath(input)}/users`, body: { ext: input.args.ext, ...bodyOf(input.options, USER_FIELDS) } };
      },
      render: { kind: 'record' },
      afterOutput: generated,
    },
    {
      verb: 'edit',
      summary: 'change a user (only the options given)',
      tenant: true,
      args: ['<ext>'],
      options: userOptions(true),
      request: (input) => ({ method: 'PATCH', path: userPath(input), body: bodyOf(input.options, USER_FIELDS) }),
      render: { kind: 'record' },
    },
    {
      verb: 'reset-password',
      summary: 'give a user a new password (generated unless --password); the old one stops working at once',
      tenant: true,
      args: ['<ext>'],
      options: [{ flags: '--password <password>', description: 'the new password (default: a generated one, printed once)' }],
      request: (input) => {
        passwordFor(input);
        return { method: 'PATCH', path: userPath(input), body: { password: input.options.password } };
      },
      render: (input) => ({ kind: 'done', message: `password of ${input.args.ext} changed` }),
      afterOutput: generated,
    },
    {
      verb: 'delete',
      summary: 'delete a user and unregister its devices',
      tenant: true,
      args: ['<ext>'],
      request: (input) => ({ method: 'DELETE', path: userPath(input) }),
      render: (input) => ({ kind: 'done', message: `deleted user ${input.args.ext}` }),
    },
    {
      verb: 'devices',
      summary: "a user's registered devices",
      tenant: true,
      args: ['<ext>'],
      request: (input) => ({ method: 'GET', path: `${userPath(input)}/devices` }),
      render: { kind: 'rows', rows: (b) => b.devices, columns: columns('contact', 'transport', 'source', 'userAgent', 'expiresInSeconds', 'edgeId'), empty: 'no device registered' },
    },
  ],
};
