import { describe, expect, it } from 'vitest';
import { serviceEnv } from '../../src/launcher.ts';
import { serviceNames } from '../../src/shared/config.ts';

describe('service environment', () => {
  it('marks the gateway, the shop edge, as trusting inbound trace context only from its own pages', () => {
    expect(serviceEnv('gateway', {}).SHOPSCOPE_TRUST_INBOUND_TRACE).toBe('same-origin');
    for (const name of serviceNames.filter((n) => n !== 'gateway')) {
      expect(serviceEnv(name, {}).SHOPSCOPE_TRUST_INBOUND_TRACE, name).toBeUndefined();
    }
  });

  it('lets the environment override the default', () => {
    expect(serviceEnv('gateway', { SHOPSCOPE_TRUST_INBOUND_TRACE: 'true' }).SHOPSCOPE_TRUST_INBOUND_TRACE).toBe('true');
    expect(serviceEnv('gateway', {}).OTEL_SERVICE_NAME).toBe('gateway');
  });
});
