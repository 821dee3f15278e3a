// Loki: single binary with filesystem storage; logs arrive over OTLP at /otlp/v1/logs.
import type { ComponentSpec } from './component.ts';
import { renderConfigFile } from './render.ts';

export const loki: ComponentSpec = {
  name: 'loki',
  title: 'Loki',
  build: 'loki',
  ports: (settings) => ({ http: settings.ports.lokiHttp, grpc: settings.ports.lokiGrpc }),
  url: (settings) => `http://127.0.0.1:${settings.ports.lokiHttp}`,
  prepare(settings, dataDir, binary) {
    const config = renderConfigFile('loki.yaml', 'loki.yaml', settings, dataDir);
    return { command: binary, args: [`-config.file=${config}`, '-target=all'] };
  },
  health: (settings) => [{ url: `http://127.0.0.1:${settings.ports.lokiHttp}/ready` }],
};
