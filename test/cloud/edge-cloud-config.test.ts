import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../edge/src/config.js';

describe('edge settings for the cloud adapters (edge/src/config.ts)', () => {
  it('defaults to the local adapters: in-process functions and bus', () => {
    expect(loadConfig({})).toMatchObject({ invoker: 'in-process', functionPrefix: 'nimbus-' });
    expect(loadConfig({})).toEqual(expect.not.objectContaining({ lambdaEndpoint: expect.anything(), eventBusName: expect.anything() }));
  });

  it('selects Lambda and EventBridge with their endpoints', () => {
    const config = loadConfig({
      PBX_INVOKER: 'lambda',
      PBX_FUNCTION_PREFIX: 'nimbus-prod-',
      PBX_LAMBDA_ENDPOINT: 'http://localhost:4566',
      PBX_EVENT_BUS_NAME: 'nimbus-prod',
      PBX_EVENTBRIDGE_ENDPOINT: 'http://localhost:4566',
    });
    expect(config).toMatchObject({
      invoker: 'lambda',
      functionPrefix: 'nimbus-prod-',
      lambdaEndpoint: 'http://localhost:4566',
      eventBusName: 'nimbus-prod',
      eventBridgeEndpoint: 'http://localhost:4566',
    });
  });

  it.each([
    ['PBX_INVOKER', 'http'],
    ['PBX_LAMBDA_ENDPOINT', 'localhost:4566'],
    ['PBX_FUNCTION_PREFIX', 'nimbus prod'],
  ])('rejects %s=%s naming the setting', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`Invalid setting ${name}`));
  });
});
