// The OpenTelemetry Collector with collector-config/config.yaml. Its config reads the ports from
// the environment (${env:SHOPSCOPE_*}), so the supervisor passes them rather than rendering it.
// A copy goes into the data folder: the command line then names that folder like every other
// component's does, which is how the supervisor recognises its own processes.
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PORT_VARIABLES, type PortName } from '../settings.ts';
import type { ComponentSpec } from './component.ts';

const PASSED_PORTS: readonly PortName[] = ['otlpGrpc', 'otlpHttp', 'collectorMetrics', 'tempoOtlpGrpc', 'lokiHttp', 'prometheus', 'storefront'];

export const collector: ComponentSpec = {
  name: 'collector',
  title: 'OpenTelemetry Collector',
  build: 'collector',
  ports: (settings) => ({ otlpGrpc: settings.ports.otlpGrpc, otlpHttp: settings.ports.otlpHttp, metrics: settings.ports.collectorMetrics }),
  url: (settings) => `http://127.0.0.1:${settings.ports.otlpHttp}`,
  prepare(settings, dataDir, binary) {
    const env = Object.fromEntries(PASSED_PORTS.map((name) => [PORT_VARIABLES[name][0], String(settings.ports[name])]));
    mkdirSync(dataDir, { recursive: true });
    const config = join(dataDir, 'config.yaml');
    copyFileSync(join(settings.repoRoot, 'collector-config', 'config.yaml'), config);
    return { command: binary, args: [`--config=${config}`], env };
  },
  health: (settings) => [
    { url: `http://127.0.0.1:${settings.ports.collectorMetrics}/metrics` },
    // The OTLP/HTTP receiver answers GET with 405: any answer means it is listening.
    { url: `http://127.0.0.1:${settings.ports.otlpHttp}/v1/traces`, accepts: (status) => status > 0 },
  ],
};
