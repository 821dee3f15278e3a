// Apache Kafka: one node in KRaft mode (broker and controller in one JVM), the shop's events on
// 127.0.0.1:9092, the controller on 9093. The storage folder is formatted once (`StorageTool
// format --standalone`), the first time its data folder is used. The heap is capped: a demo
// broker holds ≈ 400 MB resident and starts in ≈ 5 s with -Xmx512m.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { KAFKA_LIBS } from '../build/kafka.ts';
import { StackError } from '../errors.ts';
import type { StackSettings } from '../settings.ts';
import type { ComponentSpec } from './component.ts';
import { renderConfigFile } from './render.ts';

export const KAFKA_HEAP = ['-Xms256m', '-Xmx512m'] as const;

/** Everything before the main class: heap, a lean JIT and GC, the log config, the jars. */
export function kafkaJvmArgs(binary: string, dataDir: string): string[] {
  return [
    ...KAFKA_HEAP,
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    '-XX:+ExitOnOutOfMemoryError',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${join(dataDir, 'log4j2.yaml')}`,
    '-cp',
    `${join(dirname(binary), KAFKA_LIBS)}/*`,
  ];
}

/** A cluster id as Kafka writes them: 16 random bytes, base64url without padding. */
export function newClusterId(): string {
  return randomBytes(16).toString('base64url');
}

/** Formats the storage folder once; a formatted folder has meta.properties. */
function formatOnce(binary: string, dataDir: string, config: string): void {
  if (existsSync(join(dataDir, 'data', 'meta.properties'))) return;
  const args = [...kafkaJvmArgs(binary, dataDir), 'kafka.tools.StorageTool', 'format', '--standalone'];
  const result = spawnSync(binary, [...args, '--cluster-id', newClusterId(), '--config', config], { encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) {
    throw new StackError('SHOPSCOPE_ERR_START_FAILED', `kafka: formatting ${join(dataDir, 'data')} failed`, {
      component: 'kafka',
      logTail: `${result.stdout ?? ''}${result.stderr ?? ''}`.split('\n').slice(-25).join('\n'),
    });
  }
}

export const kafka: ComponentSpec = {
  name: 'kafka',
  title: 'Apache Kafka',
  build: 'kafka',
  ports: (settings) => ({ broker: settings.ports.kafka, controller: settings.ports.kafkaController }),
  url: (settings: StackSettings) => `kafka://127.0.0.1:${settings.ports.kafka}`,
  prepare(settings, dataDir, binary) {
    mkdirSync(dataDir, { recursive: true });
    const config = renderConfigFile('kafka.properties', 'server.properties', settings, dataDir);
    renderConfigFile('kafka-log4j2.yaml', 'log4j2.yaml', settings, dataDir);
    formatOnce(binary, dataDir, config);
    return { command: binary, args: [...kafkaJvmArgs(binary, dataDir), 'kafka.Kafka', config] };
  },
  health: (settings) => [{ url: `kafka://127.0.0.1:${settings.ports.kafka}` }],
};
