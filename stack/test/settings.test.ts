import { describe, expect, it } from 'vitest';
import { loadSettings } from '../src/settings.ts';
import { renderTemplate, templateValues } from '../src/components/render.ts';
import { StackError } from '../src/errors.ts';

describe('stack settings', () => {
  it('uses the usual ports when nothing is set', () => {
    const settings = loadSettings({ HOME: '/home/someone' });
    expect(settings.ports).toMatchObject({
      otlpGrpc: 4317,
      otlpHttp: 4318,
      collectorMetrics: 8888,
      jaegerQuery: 16686,
      jaegerOtlpGrpc: 4417,
      victoriaLogs: 9428,
      prometheus: 9090,
    });
    expect(settings.profile).toBe('dev');
    expect(settings.tracesOtlpEndpoint).toBe('127.0.0.1:4417');
    expect(settings.logsOtlpEndpoint).toBe('http://127.0.0.1:9428/insert/opentelemetry/v1/logs');
    expect(settings.cacheDir).toBe('/home/someone/.cache/shopscope');
    expect(settings.dataDir.endsWith('/.data/stack')).toBe(true);
  });

  it('moves a port and the folders from the environment', () => {
    const settings = loadSettings({
      SHOPSCOPE_VICTORIALOGS_PORT: '19428',
      SHOPSCOPE_CACHE_DIR: '/tmp/c',
      SHOPSCOPE_STACK_DATA_DIR: '/tmp/d',
    });
    expect(settings.ports.victoriaLogs).toBe(19428);
    expect(settings.logsOtlpEndpoint).toBe('http://127.0.0.1:19428/insert/opentelemetry/v1/logs');
    expect(settings.cacheDir).toBe('/tmp/c');
    expect(settings.dataDir).toBe('/tmp/d');
  });

  it('refuses a port that is not a port, naming the variable', () => {
    expect(() => loadSettings({ SHOPSCOPE_JAEGER_PORT: 'http' })).toThrow(/SHOPSCOPE_JAEGER_PORT=http/);
    expect(() => loadSettings({ SHOPSCOPE_JAEGER_PORT: '70000' })).toThrow(StackError);
  });

  it('refuses two components on one port', () => {
    expect(() => loadSettings({ SHOPSCOPE_VICTORIALOGS_PORT: '16686' })).toThrow(/port 16686 is given to both/);
  });

  it("points the collector at a team's own trace and log stores (e.g. Tempo, Loki) with two settings", () => {
    const settings = loadSettings({
      SHOPSCOPE_TRACES_OTLP_ENDPOINT: 'tempo.internal:4317',
      SHOPSCOPE_LOGS_OTLP_ENDPOINT: 'http://loki.internal:3100/otlp/v1/logs',
    });
    expect(settings.tracesOtlpEndpoint).toBe('tempo.internal:4317');
    expect(settings.logsOtlpEndpoint).toBe('http://loki.internal:3100/otlp/v1/logs');
    expect(() => loadSettings({ SHOPSCOPE_TRACES_OTLP_ENDPOINT: 'http://tempo:4317/v1' })).toThrow(
      /SHOPSCOPE_TRACES_OTLP_ENDPOINT=.* is not host:port/,
    );
    expect(() => loadSettings({ SHOPSCOPE_LOGS_OTLP_ENDPOINT: 'not a url' })).toThrow(
      /SHOPSCOPE_LOGS_OTLP_ENDPOINT=not a url is not a URL/,
    );
  });

  it('refuses an unknown profile, naming the choices', () => {
    expect(() => loadSettings({ SHOPSCOPE_PROFILE: 'production' })).toThrow(
      /SHOPSCOPE_PROFILE=production is not one of local, dev, stage, prod/,
    );
    expect(loadSettings({ SHOPSCOPE_PROFILE: 'prod' }).profile).toBe('prod');
  });
});

describe('config templates', () => {
  const values = templateValues(loadSettings({}), '/data/x');

  it('fills ports, shop ports and the data folder', () => {
    expect(values).toMatchObject({
      JAEGER_QUERY_PORT: '16686',
      JAEGER_OTLP_GRPC_PORT: '4417',
      VICTORIA_LOGS_PORT: '9428',
      SHOP_GATEWAY_PORT: '9464',
      SHOP_INVENTORY_PORT: '9469',
      DATA_DIR: '/data/x',
    });
    expect(renderTemplate('port: ${PROMETHEUS_PORT}\n# ${NOT_A_VALUE} in a comment stays', values, 't')).toBe(
      'port: 9090\n# ${NOT_A_VALUE} in a comment stays',
    );
  });

  it('refuses an unknown placeholder instead of leaving it empty', () => {
    expect(() => renderTemplate('port: ${JAEGER_PROT}', values, 'jaeger.yaml')).toThrow(/jaeger.yaml uses \$\{JAEGER_PROT\}/);
  });
});
