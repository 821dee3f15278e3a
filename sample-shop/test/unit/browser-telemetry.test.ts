import { describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { BROWSER_CONFIG_PATH, loadBrowserTelemetry, registerBrowserTelemetry } from '../../src/gateway/browser-telemetry.ts';

// The storefront's browser telemetry settings come from the services' environment.

describe('browser telemetry settings', () => {
  it('defaults: storefront, the shop version, the profile, the stack collector', () => {
    const { settings, problem } = loadBrowserTelemetry({});
    expect(problem).toBeUndefined();
    expect(settings).toEqual({
      enabled: true,
      serviceName: 'storefront',
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      environment: 'dev',
      otlpUrl: 'http://127.0.0.1:4318',
    });
  });

  it('follows the services: deployment environment, profile, the OTLP/HTTP port or an explicit URL', () => {
    expect(loadBrowserTelemetry({ SHOPSCOPE_PROFILE: 'prod' }).settings.environment).toBe('prod');
    const { settings } = loadBrowserTelemetry({
      SHOPSCOPE_PROFILE: 'prod',
      OTEL_RESOURCE_ATTRIBUTES: 'service.namespace=shop,deployment.environment.name=demo',
      SHOPSCOPE_OTLP_HTTP_PORT: '24318',
      SHOPSCOPE_STOREFRONT_SERVICE_NAME: 'shop-web',
    });
    expect(settings).toMatchObject({ environment: 'demo', otlpUrl: 'http://127.0.0.1:24318', serviceName: 'shop-web' });
    expect(loadBrowserTelemetry({ SHOPSCOPE_BROWSER_OTLP_URL: 'https://otlp.example.com/' }).settings.otlpUrl).toBe(
      'https://otlp.example.com',
    );
    expect(loadBrowserTelemetry({ SHOPSCOPE_BROWSER_TELEMETRY: 'off' })).toEqual({ settings: expect.objectContaining({ enabled: false }) });
  });

  it.each([
    ['SHOPSCOPE_STOREFRONT_SERVICE_NAME', 'my shop'],
    ['SHOPSCOPE_BROWSER_OTLP_URL', 'ftp://collector'],
    ['SHOPSCOPE_BROWSER_OTLP_URL', 'not a url'],
    ['SHOPSCOPE_OTLP_HTTP_PORT', 'x:y'],
    ['SHOPSCOPE_BROWSER_TELEMETRY', 'maybe'],
  ])('%s=%s: one line naming the problem, browser telemetry off', (name, value) => {
    const { settings, problem } = loadBrowserTelemetry({ [name]: value });
    expect(settings.enabled).toBe(false);
    expect(problem).toMatch(/is not .*; the storefront's browser telemetry is off$/);
    expect(problem).not.toContain('\n');
  });

  it('is served to the page as a script that sets window.shopscopeTelemetry', async () => {
    const app = Fastify();
    registerBrowserTelemetry(app, loadBrowserTelemetry({ SHOPSCOPE_OTLP_HTTP_PORT: '24318' }).settings);
    const res = await app.inject({ method: 'GET', url: BROWSER_CONFIG_PATH });
    await app.close();
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/javascript/);
    const settings = JSON.parse(/^window\.shopscopeTelemetry = (.*);\n$/.exec(res.body)![1]!);
    expect(settings).toMatchObject({ enabled: true, otlpUrl: 'http://127.0.0.1:24318' });
  });
});
