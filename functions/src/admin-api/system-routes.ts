/**
 * /v1/system/settings (system role): fail-to-ban thresholds and whitelist
 * (contracts/fail-to-ban/f2b-settings.ts) and the system-wide
 * gVarSipRegSameDialog. The register function reads the fail-to-ban
 * settings through a 10 s cache, so a change applies within 10 s; the edges
 * take a new whitelist at their next ban poll.
 */
import { z } from 'zod';
import { f2bSettingsSchema } from '../../../contracts/fail-to-ban/f2b-settings.js';
import { reply } from './replies.js';
import { parseWith } from './request-input.js';
import { route } from './route.js';

const TAG = 'System';

const f = f2bSettingsSchema.shape;
const regSameDialog = z.union([z.literal(0), z.literal(1)], { error: 'must be 0 or 1' });

const f2bView = z.object({
  enabled: z.boolean(),
  maxFailures: z.number().int(),
  windowSeconds: z.number().int(),
  banSeconds: z.number().int(),
  whitelist: z.array(z.string()),
});

const systemSettingsView = z
  .object({ f2b: f2bView, gVarSipRegSameDialog: regSameDialog.optional().meta({ description: 'absent: 1 (RFC 3261)' }) })
  .meta({ id: 'SystemSettings' });

const systemSettingsPatch = z
  .object({
    f2b: z
      .object({
        enabled: f.enabled.unwrap().optional(),
        maxFailures: f.maxFailures.unwrap().optional(),
        windowSeconds: f.windowSeconds.unwrap().optional(),
        banSeconds: f.banSeconds.unwrap().optional(),
        whitelist: f.whitelist.unwrap().optional(),
      })
      .strict()
      .optional(),
    gVarSipRegSameDialog: regSameDialog.nullable().optional(),
  })
  .strict()
  .meta({ id: 'SystemSettingsPatch', description: 'Fields to change; the whitelist is replaced as a whole; gVarSipRegSameDialog null = default (1).' });

const getSettings = route({
  method: 'GET',
  path: '/system/settings',
  access: 'system',
  summary: 'System settings: fail-to-ban thresholds and whitelist, gVarSipRegSameDialog',
  tag: TAG,
  success: { status: 200, schema: systemSettingsView },
  action: async ({ deps }) => reply(200, await deps.settings.getSystemSettings()),
});

const patchSettings = route<z.output<typeof systemSettingsPatch>>({
  method: 'PATCH',
  path: '/system/settings',
  access: 'system',
  summary: 'Change system settings (fail-to-ban applies within 10 s)',
  tag: TAG,
  body: systemSettingsPatch,
  success: { status: 200, schema: systemSettingsView },
  action: async ({ body, deps }) => {
    const before = await deps.settings.getSystemSettings();
    const f2b = body.f2b ? parseWith(f2bSettingsSchema, { ...before.f2b, ...body.f2b }, 'f2b') : undefined;
    await deps.settings.updateSystemSettings({ ...(f2b ? { f2b } : {}), gVarSipRegSameDialog: body.gVarSipRegSameDialog });
    const after = await deps.settings.getSystemSettings();
    return reply(200, after, [{ kind: 'settings', id: 'system', op: 'updated', before, after }]);
  },
});

export const SYSTEM_ROUTES = [getSettings, patchSettings];
