// Jaeger v2: traces from the collector on its own OTLP ports (not 4317/4318), badger storage in
// the data folder, the query APIs on 127.0.0.1:16686. The Go module ships no built UI: GET /
// answers a placeholder page, so people are pointed at the API and at Grafana's Jaeger source.
import type { ComponentSpec } from './component.ts';
import { LEAN_GO_RUNTIME } from './go-runtime.ts';
import { renderConfigFile } from './render.ts';

export const jaeger: ComponentSpec = {
  name: 'jaeger',
  title: 'Jaeger',
  build: 'jaeger',
  ports: (settings) => ({
    query: settings.ports.jaegerQuery,
    queryGrpc: settings.ports.jaegerQueryGrpc,
    otlpGrpc: settings.ports.jaegerOtlpGrpc,
    otlpHttp: settings.ports.jaegerOtlpHttp,
    health: settings.ports.jaegerHealth,
    metrics: settings.ports.jaegerMetrics,
  }),
  url: (settings) => `http://127.0.0.1:${settings.ports.jaegerQuery}`,
  prepare(settings, dataDir, binary) {
    const config = renderConfigFile('jaeger.yaml', 'jaeger.yaml', settings, dataDir);
    return { command: binary, args: [`--config=file:${config}`], env: LEAN_GO_RUNTIME };
  },
  health: (settings) => [
    { url: `http://127.0.0.1:${settings.ports.jaegerHealth}/status` },
    { url: `http://127.0.0.1:${settings.ports.jaegerQuery}/api/services` },
  ],
};
