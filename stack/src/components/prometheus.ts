// Prometheus: Debian's 2.42 with the remote-write receiver (the collector writes span metrics and
// service graphs) and exemplar storage (trace ids on histogram buckets).
import type { ComponentSpec } from './component.ts';
import { LEAN_GO_RUNTIME } from './go-runtime.ts';
import { renderConfigFile } from './render.ts';
import { join } from 'node:path';

export const prometheus: ComponentSpec = {
  name: 'prometheus',
  title: 'Prometheus',
  build: 'prometheus',
  ports: (settings) => ({ http: settings.ports.prometheus }),
  url: (settings) => `http://127.0.0.1:${settings.ports.prometheus}`,
  prepare(settings, dataDir, binary) {
    const config = renderConfigFile('prometheus.yml', 'prometheus.yml', settings, dataDir);
    return {
      command: binary,
      args: [
        `--config.file=${config}`,
        `--storage.tsdb.path=${join(dataDir, 'tsdb')}`,
        '--storage.tsdb.retention.time=7d',
        `--web.listen-address=127.0.0.1:${settings.ports.prometheus}`,
        '--web.enable-remote-write-receiver',
        '--web.enable-lifecycle',
        '--enable-feature=exemplar-storage',
      ],
      env: LEAN_GO_RUNTIME,
    };
  },
  health: (settings) => [{ url: `http://127.0.0.1:${settings.ports.prometheus}/-/ready` }],
};
