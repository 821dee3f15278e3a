// The OpenTelemetry Collector with collector-config/config.yaml. Its config reads the ports from
// the environment (${env:SHOPSCOPE_*}), so the supervisor passes them rather than rendering it.
// A copy goes into the data folder: the command line then names that folder like every other
// component's does, which is how the supervisor recognises its own processes. The production
// profile adds sampling.prod.yaml on top (tail sampling in front of the trace store).
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PORT_VARIABLES, type PortName } from '../settings.ts';
import type { ComponentSpec } from './component.ts';
import { LEAN_GO_RUNTIME } from './go-runtime.ts';

const PASSED_PORTS: readonly PortName[] = ['otlpGrpc', 'otlpHttp', 'collectorMetrics', 'prometheus', 'storefront'];

export const collector: ComponentSpec = {
  name: 'collector',
  title: 'OpenTelemetry Collector',
  build: 'collector',
  ports: (settings) => ({ otlpGrpc: settings.ports.otlpGrpc, otlpHttp: settings.ports.otlpHttp, metrics: settings.ports.collectorMetrics }),
  url: (settings) => `http://127.0.0.1:${settings.ports.otlpHttp}`,
  prepare(settings, dataDir, binary) {
    const env: Record<string, string> = {
      ...Object.fromEntries(PASSED_PORTS.map((name) => [PORT_VARIABLES[name][0], String(settings.ports[name])])),
      SHOPSCOPE_TRACES_OTLP_ENDPOINT: settings.tracesOtlpEndpoint,
      SHOPSCOPE_LOGS_OTLP_ENDPOINT: settings.logsOtlpEndpoint,
      // memory_limiter owns the collector's ceiling; only the collection pace is set here.
      GOGC: LEAN_GO_RUNTIME.GOGC,
    };
    mkdirSync(dataDir, { recursive: true });
    const files = settings.profile === 'prod' ? ['config.yaml', 'sampling.prod.yaml'] : ['config.yaml'];
    const args = files.map((file) => {
      const copy = join(dataDir, file);
      copyFileSync(join(settings.repoRoot, 'collector-config', file), copy);
      return `--config=${copy}`;
    });
    return { command: binary, args, env };
  },
  health: (settings) => [
    { url: `http://127.0.0.1:${settings.ports.collectorMetrics}/metrics` },
    // The OTLP/HTTP receiver answers GET with 405: any answer means it is listening.
    { url: `http://127.0.0.1:${settings.ports.otlpHttp}/v1/traces`, accepts: (status) => status > 0 },
  ],
};
