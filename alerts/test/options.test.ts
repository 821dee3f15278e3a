import { describe, expect, it } from 'vitest';
import { optionsFromEnv, resolveOptions } from '../src/options.ts';

// The back-end options: where LogsQL goes, and the one template of trace links.
describe('options', () => {
  it("defaults VictoriaLogs to 127.0.0.1:9428 and trace links to Jaeger's API", () => {
    const o = resolveOptions({});
    expect(o.victoriaLogsUrl).toBe('http://127.0.0.1:9428');
    expect(o.traceUrlTemplate).toBe('http://127.0.0.1:16686/api/traces/{traceId}');
  });

  it('reads VICTORIALOGS_URL and ALERTS_TRACE_URL from the environment; empty means the default', () => {
    const env = { VICTORIALOGS_URL: 'http://logs.internal:9428', ALERTS_TRACE_URL: 'http://127.0.0.1:3000/explore?trace={traceId}' };
    expect(optionsFromEnv(env)).toEqual({
      victoriaLogsUrl: 'http://logs.internal:9428',
      traceUrlTemplate: 'http://127.0.0.1:3000/explore?trace={traceId}',
    });
    expect(resolveOptions(optionsFromEnv({ VICTORIALOGS_URL: '' })).victoriaLogsUrl).toBe('http://127.0.0.1:9428');
  });

  it('refuses a VictoriaLogs URL that is not a URL', () => {
    expect(() => resolveOptions({ victoriaLogsUrl: '127.0.0.1:9428' })).toThrow(
      expect.objectContaining({ code: 'SHOPSCOPE_ERR_CONFIG_INVALID', message: expect.stringContaining('victoriaLogsUrl') }),
    );
  });

  it('reads the API token and extra Host names from the environment; without a token the API is read-only', () => {
    expect(resolveOptions({}).apiToken).toBeUndefined();
    const env = { SHOPSCOPE_ALERTS_TOKEN: 's3cret-token-value', ALERTS_ALLOWED_HOSTS: 'alerts.internal:9094, alerts.internal' };
    expect(optionsFromEnv(env)).toEqual({ apiToken: 's3cret-token-value', allowedHosts: ['alerts.internal:9094', 'alerts.internal'] });
    expect(() => resolveOptions({ apiToken: ' ' })).toThrow(expect.objectContaining({ code: 'SHOPSCOPE_ERR_CONFIG_INVALID' }));
  });

  it('refuses a default interval under 1s, and caps Retry-After at 5 minutes by default', () => {
    const refused = expect.objectContaining({
      code: 'SHOPSCOPE_ERR_CONFIG_INVALID',
      message: expect.stringContaining('ALERTS_DEFAULT_INTERVAL='),
    });
    expect(() => optionsFromEnv({ ALERTS_DEFAULT_INTERVAL: '0' })).toThrow(refused);
    expect(() => optionsFromEnv({ ALERTS_DEFAULT_INTERVAL: '500ms' })).toThrow(refused);
    expect(() => resolveOptions({ defaultIntervalMs: 0 })).toThrow(expect.objectContaining({ code: 'SHOPSCOPE_ERR_CONFIG_INVALID' }));
    expect(resolveOptions({}).maxRetryAfterMs).toBe(300_000);
  });

  it('refuses a bad environment value instead of starting on a default', () => {
    expect(() => optionsFromEnv({ ALERTS_PORT: 'eighty' })).toThrow(
      expect.objectContaining({ code: 'SHOPSCOPE_ERR_CONFIG_INVALID', message: 'ALERTS_PORT=eighty is not a number >= 0' }),
    );
    expect(() => optionsFromEnv({ ALERTS_QUERY_TIMEOUT: 'soon' })).toThrow(
      expect.objectContaining({ message: 'ALERTS_QUERY_TIMEOUT=soon is not a duration (e.g. 30s, 5m)' }),
    );
  });
});
