// VictoriaLogs: logs from the collector over OTLP/HTTP (protobuf) at
// /insert/opentelemetry/v1/logs, LogsQL at /select/logsql/*, its web UI at /select/vmui/.
import { join } from 'node:path';
import type { ComponentSpec } from './component.ts';

export const victorialogs: ComponentSpec = {
  name: 'victorialogs',
  title: 'VictoriaLogs',
  build: 'victorialogs',
  ports: (settings) => ({ http: settings.ports.victoriaLogs }),
  url: (settings) => `http://127.0.0.1:${settings.ports.victoriaLogs}`,
  prepare(settings, dataDir, binary) {
    return {
      command: binary,
      args: [
        `-httpListenAddr=127.0.0.1:${settings.ports.victoriaLogs}`,
        `-storageDataPath=${join(dataDir, 'data')}`,
        '-retentionPeriod=7d',
        // Its caches follow the machine's memory by default (60 %); a demo back end stays small.
        '-memory.allowedBytes=64MiB',
      ],
    };
  },
  health: (settings) => [{ url: `http://127.0.0.1:${settings.ports.victoriaLogs}/health` }],
};
