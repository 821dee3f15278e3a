import { describe, expect, it } from 'vitest';
import { loadSettings } from '../src/settings.ts';
import { renderTemplate, templateValues } from '../src/components/render.ts';
import { StackError } from '../src/errors.ts';

describe('stack settings', () => {
  it('uses the usual ports when nothing is set', () => {
    const settings = loadSettings({ HOME: '/home/someone' });
    expect(settings.ports).toMatchObject({ otlpGrpc: 4317, otlpHttp: 4318, collectorMetrics: 8888, tempoHttp: 3200, lokiHttp: 3100, prometheus: 9090 });
    expect(settings.cacheDir).toBe('/home/someone/.cache/shopscope');
    expect(settings.dataDir.endsWith('/.data/stack')).toBe(true);
  });

  it('moves a port and the folders from the environment', () => {
    const settings = loadSettings({ SHOPSCOPE_LOKI_PORT: '13100', SHOPSCOPE_CACHE_DIR: '/tmp/c', SHOPSCOPE_STACK_DATA_DIR: '/tmp/d' });
    expect(settings.ports.lokiHttp).toBe(13100);
    expect(settings.cacheDir).toBe('/tmp/c');
    expect(settings.dataDir).toBe('/tmp/d');
  });

  it('refuses a port that is not a port, naming the variable', () => {
    expect(() => loadSettings({ SHOPSCOPE_TEMPO_PORT: 'http' })).toThrow(/SHOPSCOPE_TEMPO_PORT=http/);
    expect(() => loadSettings({ SHOPSCOPE_TEMPO_PORT: '70000' })).toThrow(StackError);
  });

  it('refuses two components on one port', () => {
    expect(() => loadSettings({ SHOPSCOPE_LOKI_PORT: '3200' })).toThrow(/port 3200 is given to both/);
  });
});

describe('config templates', () => {
  const values = templateValues(loadSettings({}), '/data/x');

  it('fills ports, shop ports and the data folder', () => {
    expect(values).toMatchObject({ TEMPO_HTTP_PORT: '3200', LOKI_GRPC_PORT: '9095', SHOP_GATEWAY_PORT: '9464', SHOP_INVENTORY_PORT: '9469', DATA_DIR: '/data/x' });
    expect(renderTemplate('port: ${PROMETHEUS_PORT}\n# ${NOT_A_VALUE} in a comment stays', values, 't')).toBe('port: 9090\n# ${NOT_A_VALUE} in a comment stays');
  });

  it('refuses an unknown placeholder instead of leaving it empty', () => {
    expect(() => renderTemplate('port: ${LOKI_PROT}', values, 'loki.yaml')).toThrow(/loki.yaml uses \$\{LOKI_PROT\}/);
  });
});
