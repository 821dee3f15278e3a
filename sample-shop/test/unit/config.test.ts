import { describe, expect, it } from 'vitest';
import { defaultAdminToken, defaultHttpLimits, isLoopbackHost, loadConfig } from '../../src/shared/config.ts';

describe('loadConfig', () => {
  it('refuses the default admin token when the shop binds beyond loopback', () => {
    for (const host of ['0.0.0.0', '::', '10.1.2.3', '192.168.0.10', 'fe80::1', 'shop.example.com']) {
      expect(() => loadConfig({ SHOPSCOPE_HOST: host }), host).toThrow(/SHOPSCOPE_ADMIN_TOKEN is the public default/);
      expect(() => loadConfig({ SHOPSCOPE_HOST: host, SHOPSCOPE_ADMIN_TOKEN: defaultAdminToken }), host).toThrow(/SHOPSCOPE_HOST/);
      expect(loadConfig({ SHOPSCOPE_HOST: host, SHOPSCOPE_ADMIN_TOKEN: 'a-token-of-my-own' }).adminToken).toBe('a-token-of-my-own');
    }
    // one line, naming both settings, so a service that stops on it says why
    expect(() => loadConfig({ SHOPSCOPE_HOST: '0.0.0.0' })).toThrow(/^[^\n]*SHOPSCOPE_HOST=0\.0\.0\.0[^\n]*$/);
  });

  it('keeps the default admin token for a loopback-only demo', () => {
    expect(loadConfig({}).host).toBe('127.0.0.1');
    expect(loadConfig({}).adminToken).toBe(defaultAdminToken);
    for (const host of ['127.0.0.1', '127.0.0.2', 'localhost', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1']) {
      expect(isLoopbackHost(host), host).toBe(true);
      expect(loadConfig({ SHOPSCOPE_HOST: host }).adminToken).toBe(defaultAdminToken);
    }
    expect(isLoopbackHost('::ffff:10.0.0.1')).toBe(false);
  });

  it('reads the HTTP limits, with their defaults', () => {
    expect(loadConfig({}).http).toEqual(defaultHttpLimits);
    expect(defaultHttpLimits).toEqual({
      requestTimeoutMs: 30_000,
      headersTimeoutMs: 10_000,
      keepAliveTimeoutMs: 5_000,
      connectionTimeoutMs: 60_000,
      maxConnections: 1024,
    });
    const config = loadConfig({
      SHOPSCOPE_REQUEST_TIMEOUT_MS: '5000',
      SHOPSCOPE_HEADERS_TIMEOUT_MS: '2000',
      SHOPSCOPE_KEEP_ALIVE_TIMEOUT_MS: '1000',
      SHOPSCOPE_CONNECTION_TIMEOUT_MS: '9000',
      SHOPSCOPE_MAX_CONNECTIONS: '50',
    });
    expect(config.http).toEqual({
      requestTimeoutMs: 5000,
      headersTimeoutMs: 2000,
      keepAliveTimeoutMs: 1000,
      connectionTimeoutMs: 9000,
      maxConnections: 50,
    });
  });

  it('refuses HTTP limits that cannot work', () => {
    expect(() => loadConfig({ SHOPSCOPE_REQUEST_TIMEOUT_MS: '0' })).toThrow(/SHOPSCOPE_REQUEST_TIMEOUT_MS must be an integer >= 1/);
    expect(() => loadConfig({ SHOPSCOPE_MAX_CONNECTIONS: 'lots' })).toThrow(/SHOPSCOPE_MAX_CONNECTIONS/);
    expect(() => loadConfig({ SHOPSCOPE_REQUEST_TIMEOUT_MS: '1000', SHOPSCOPE_HEADERS_TIMEOUT_MS: '2000' })).toThrow(
      /SHOPSCOPE_HEADERS_TIMEOUT_MS \(2000\) must not exceed SHOPSCOPE_REQUEST_TIMEOUT_MS \(1000\)/,
    );
  });
});
