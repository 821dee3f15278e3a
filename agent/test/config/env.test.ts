import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.ts';

describe('loadConfig', () => {
  it('gives documented defaults with an empty environment', () => {
    const { config, problems } = loadConfig({});
    expect(problems).toEqual([]);
    expect(config).toMatchObject({
      serviceName: 'unknown_service:node',
      profile: 'dev',
      environment: 'dev',
      traces: { exportEnabled: true, endpoint: 'http://127.0.0.1:4318/v1/traces', sampler: 'parentbased_traceidratio', samplerRatio: 1 },
      logs: { level: 'debug', pretty: false, exportEnabled: true, endpoint: 'http://127.0.0.1:4318/v1/logs', accessLog: true, slowMs: 500 },
      metrics: { enabled: true, host: '127.0.0.1', port: 9464, maxLabelSets: 500 },
      exportQueueSize: 2048,
      shutdownTimeoutMs: 2000,
      trustInboundTrace: true,
      baggageAllowlist: [],
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.traces)).toBe(true);
  });

  it('applies the profile: prod samples 10 % at info, local is pretty', () => {
    expect(loadConfig({ SHOPSCOPE_PROFILE: 'prod' }).config).toMatchObject({
      traces: { samplerRatio: 0.1 },
      logs: { level: 'info', pretty: false },
    });
    expect(loadConfig({ SHOPSCOPE_PROFILE: 'local' }).config.logs.pretty).toBe(true);
    expect(loadConfig({ SHOPSCOPE_PROFILE: 'prod', OTEL_TRACES_SAMPLER_ARG: '0.5', SHOPSCOPE_LOG_LEVEL: 'warn' }).config).toMatchObject({
      traces: { samplerRatio: 0.5 },
      logs: { level: 'warn' },
    });
  });

  it('reads the standard OTEL_* variables', () => {
    const { config, problems } = loadConfig({
      OTEL_SERVICE_NAME: 'catalog',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=stage,team=shop%20core',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:14318/',
      OTEL_TRACES_SAMPLER: 'always_on',
    });
    expect(problems).toEqual([]);
    expect(config.serviceName).toBe('catalog');
    expect(config.environment).toBe('stage');
    expect(config.resourceAttributes).toEqual({ 'deployment.environment.name': 'stage', team: 'shop core' });
    expect(config.traces.endpoint).toBe('http://127.0.0.1:14318/v1/traces');
    expect(config.logs.endpoint).toBe('http://127.0.0.1:14318/v1/logs');
    expect(config.traces.sampler).toBe('always_on');
  });

  it('parses declared experiments', () => {
    const { config } = loadConfig({ SHOPSCOPE_EXPERIMENTS: 'checkout_button=control|blue, free_shipping=off|on' });
    expect(config.experiments).toEqual([
      { name: 'checkout_button', variants: ['control', 'blue'] },
      { name: 'free_shipping', variants: ['off', 'on'] },
    ]);
  });

  it('reads the edge settings: trust off, baggage keys and prefixes kept', () => {
    const { config, problems } = loadConfig({
      SHOPSCOPE_TRUST_INBOUND_TRACE: 'false',
      SHOPSCOPE_BAGGAGE_ALLOWLIST: 'tenant, shopscope.exp.* ,',
    });
    expect(problems).toEqual([]);
    expect(config.trustInboundTrace).toBe(false);
    expect(config.baggageAllowlist).toEqual(['tenant', 'shopscope.exp.*']);
    expect(Object.isFrozen(config.baggageAllowlist)).toBe(true);
  });

  type Config = ReturnType<typeof loadConfig>['config'];
  const bad: Array<[string, string, (c: Config) => unknown, unknown]> = [
    ['SHOPSCOPE_METRICS_PORT', '70000', (c) => c.metrics.port, -1],
    ['SHOPSCOPE_METRICS', 'maybe', (c) => c.metrics.enabled, false],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'not a url', (c) => c.traces.exportEnabled || c.logs.exportEnabled, false],
    ['OTEL_EXPORTER_OTLP_PROTOCOL', 'grpc', (c) => c.traces.exportEnabled || c.logs.exportEnabled, false],
    ['OTEL_TRACES_SAMPLER', 'sometimes', (c) => c.traces.exportEnabled, false],
    ['OTEL_TRACES_SAMPLER_ARG', '2', (c) => c.traces.exportEnabled, false],
    ['SHOPSCOPE_ACCESS_LOG', 'yes', (c) => c.logs.accessLog, false],
    ['SHOPSCOPE_SLOW_MS', '-5', (c) => c.logs.slowMs, Number.POSITIVE_INFINITY],
    ['SHOPSCOPE_EXPERIMENTS', 'Bad Name=a', (c) => c.experiments.length, 0],
    ['SHOPSCOPE_LOG_LEVEL', 'loud', (c) => c.logs.level, 'debug'],
    ['SHOPSCOPE_PROFILE', 'production', (c) => c.profile, 'dev'],
    ['OTEL_RESOURCE_ATTRIBUTES', 'novalue', (c) => Object.keys(c.resourceAttributes).length, 0],
    ['OTEL_LOGS_EXPORTER', 'console', (c) => c.logs.exportEnabled, false],
    ['SHOPSCOPE_TRUST_INBOUND_TRACE', 'no', (c) => c.trustInboundTrace, true],
    ['SHOPSCOPE_BAGGAGE_ALLOWLIST', 'tenant,bad key', (c) => c.baggageAllowlist, []],
    ['SHOPSCOPE_BAGGAGE_ALLOWLIST', 'a*b', (c) => c.baggageAllowlist, []],
  ];
  it.each(bad)('%s=%s: one problem naming the variable, that feature off', (name, value, read, expected) => {
    const { config, problems } = loadConfig({ [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`${name}="${value}"`);
    expect(read(config)).toEqual(expected);
  });
});
