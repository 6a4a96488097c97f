/**
 * Bodies and views of the user endpoints, from the seed's user schema. The
 * password is write-only: it becomes the digest HA1s (MD5 and SHA-256,
 * RFC 7616 §3.4.2) and neither it nor an HA1 ever comes back.
 */
import { z } from 'zod';
import { userSchema } from '../seed/seed-schema.js';
import type { UserAccount } from '../directory/user-account.js';

const s = userSchema.shape;

export const userCreateBody = z
  .object({
    ext: s.ext,
    password: s.password,
    displayName: s.displayName,
    multiDevice: s.multiDevice,
    maxDevices: s.maxDevices,
    maxCalls: s.maxCalls,
    maxOutgoingCalls: s.maxOutgoingCalls,
  })
  .strict()
  .meta({ id: 'UserCreate', description: 'A new user (extension). The password is stored only as digest HA1 values.' });

export const userPatchBody = z
  .object({
    password: s.password.optional(),
    displayName: z.string().nullable().optional(),
    multiDevice: s.multiDevice.unwrap().optional(),
    maxDevices: s.maxDevices.unwrap().optional(),
    /** null: unlimited. */
    maxCalls: z.number().int().min(0).nullable().optional(),
    maxOutgoingCalls: z.number().int().min(0).nullable().optional(),
  })
  .strict()
  .meta({ id: 'UserPatch', description: 'Fields to change; null removes displayName or a limit (unlimited).' });

export const userView = z
  .object({
    tenantId: z.string(),
    ext: z.string(),
    displayName: z.string().optional(),
    multiDevice: z.boolean(),
    maxDevices: z.number().int(),
    maxCalls: z.number().int().optional(),
    maxOutgoingCalls: z.number().int().optional(),
  })
  .meta({ id: 'User', description: 'A user; never a password or HA1.' });

export type UserView = z.output<typeof userView>;

export const userPageView = z
  .object({ tenantId: z.string(), users: z.array(userView), cursor: z.string().optional().meta({ description: 'Pass as ?cursor= for the next page; absent on the last page.' }) })
  .meta({ id: 'UserPage' });

/** An explicit list of fields, so an HA1 can never leak in through a new stored attribute. */
export function toUserView(user: UserAccount): UserView {
  return {
    tenantId: user.tenantId,
    ext: user.ext,
    ...(user.displayName !== undefined ? { displayName: user.displayName } : {}),
    multiDevice: user.multiDevice,
    maxDevices: user.maxDevices,
    ...(user.maxCalls !== undefined ? { maxCalls: user.maxCalls } : {}),
    ...(user.maxOutgoingCalls !== undefined ? { maxOutgoingCalls: user.maxOutgoingCalls } : {}),
  };
}
