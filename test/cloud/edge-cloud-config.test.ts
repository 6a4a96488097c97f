import { describe, expect, it } from 'vitest';
import { SettingsError } from '../../contracts/settings/env-values.js';
import { loadSettings } from '../../contracts/settings/pbx-settings.js';

describe('edge settings for the cloud adapters (contracts/settings/)', () => {
  it('defaults to the local adapters: in-process functions and bus', () => {
    expect(loadSettings({}).edge).toMatchObject({ invoker: 'in-process', functionPrefix: 'nimbus-' });
    expect(loadSettings({}).edge).toEqual(expect.not.objectContaining({ lambdaEndpoint: expect.anything() }));
    expect(loadSettings({}).bus).toEqual({});
  });

  it('selects Lambda and EventBridge with their endpoints', () => {
    const settings = loadSettings({
      PBX_INVOKER: 'lambda',
      PBX_FUNCTION_PREFIX: 'nimbus-prod-',
      PBX_LAMBDA_ENDPOINT: 'http://localhost:4566',
      PBX_EVENT_BUS_NAME: 'nimbus-prod',
      PBX_EVENTBRIDGE_ENDPOINT: 'http://localhost:4566',
    });
    expect(settings.edge).toMatchObject({ invoker: 'lambda', functionPrefix: 'nimbus-prod-', lambdaEndpoint: 'http://localhost:4566' });
    expect(settings.bus).toEqual({ eventBusName: 'nimbus-prod', eventBridgeEndpoint: 'http://localhost:4566' });
  });

  it.each([
    ['PBX_INVOKER', 'http'],
    ['PBX_LAMBDA_ENDPOINT', 'localhost:4566'],
    ['PBX_FUNCTION_PREFIX', 'nimbus prod'],
  ])('rejects %s=%s naming the setting', (name, value) => {
    expect(() => loadSettings({ [name]: value })).toThrow(SettingsError);
    expect(() => loadSettings({ [name]: value })).toThrow(new RegExp(`Invalid setting ${name}`));
  });
});
