// Tempo: monolithic; the collector sends it traces on its own OTLP ports (not 4317/4318).
import type { ComponentSpec } from './component.ts';
import { renderConfigFile } from './render.ts';

export const tempo: ComponentSpec = {
  name: 'tempo',
  title: 'Tempo',
  build: 'tempo',
  ports: (settings) => ({
    http: settings.ports.tempoHttp,
    grpc: settings.ports.tempoGrpc,
    otlpGrpc: settings.ports.tempoOtlpGrpc,
    otlpHttp: settings.ports.tempoOtlpHttp,
  }),
  url: (settings) => `http://127.0.0.1:${settings.ports.tempoHttp}`,
  prepare(settings, dataDir, binary) {
    const config = renderConfigFile('tempo.yaml', 'tempo.yaml', settings, dataDir);
    return { command: binary, args: [`-config.file=${config}`, '-target=all'] };
  },
  health: (settings) => [{ url: `http://127.0.0.1:${settings.ports.tempoHttp}/ready` }],
};
