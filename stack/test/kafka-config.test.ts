// Kafka's part of the stack without starting it: the rendered broker config, the JVM's command
// line, the pom Maven fetches with, the health probe's bytes, and the settings that move it.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kafkaPom } from '../src/build/kafka.ts';
import { COMPONENTS, componentsNamed } from '../src/components/index.ts';
import { kafkaJvmArgs, newClusterId } from '../src/components/kafka.ts';
import { renderConfigFile } from '../src/components/render.ts';
import { apiVersionsAnswered, apiVersionsRequest, kafkaAnswers } from '../src/kafka-probe.ts';
import { loadSettings } from '../src/settings.ts';
import { loadVersions } from '../src/versions.ts';

const scratch = mkdtempSync(join(tmpdir(), 'shopscope-kafka-config-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const properties = (text: string) =>
  Object.fromEntries(
    text
      .split('\n')
      .filter((line) => line.trim() && !line.trimStart().startsWith('#'))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );

describe('the kafka component', () => {
  it('renders a one-node KRaft broker on 127.0.0.1, on the ports the settings give, data in its folder', () => {
    const settings = loadSettings({ SHOPSCOPE_KAFKA_PORT: '29092', SHOPSCOPE_KAFKA_CONTROLLER_PORT: '29093' });
    const config = properties(readFileSync(renderConfigFile('kafka.properties', 'server.properties', settings, scratch), 'utf8'));
    expect(config).toMatchObject({
      'process.roles': 'broker,controller',
      'node.id': '1',
      'controller.quorum.bootstrap.servers': '127.0.0.1:29093',
      listeners: 'PLAINTEXT://127.0.0.1:29092,CONTROLLER://127.0.0.1:29093',
      'advertised.listeners': 'PLAINTEXT://127.0.0.1:29092',
      'log.dirs': `${scratch}/data`,
      'offsets.topic.replication.factor': '1',
      'transaction.state.log.replication.factor': '1',
      'share.coordinator.state.topic.replication.factor': '1',
      'group.initial.rebalance.delay.ms': '0',
    });
    expect(Object.values(config).join('\n')).not.toMatch(/\$\{|0\.0\.0\.0/);
    expect(COMPONENTS.kafka.ports(settings)).toEqual({ broker: 29092, controller: 29093 });
    expect(COMPONENTS.kafka.health(settings)).toEqual([{ url: 'kafka://127.0.0.1:29092' }]);
  });

  it('caps the heap and names its data folder on the command line (how the supervisor finds its JVM)', () => {
    const args = kafkaJvmArgs('/cache/bin/kafka-4.4.0/java', '/data/stack/kafka');
    expect(args).toEqual(expect.arrayContaining(['-Xms256m', '-Xmx512m', '-cp', '/cache/bin/kafka-4.4.0/libs/*']));
    expect(args).toContain('-Dlog4j2.configurationFile=/data/stack/kafka/log4j2.yaml');
    expect(newClusterId()).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('is in the default set unless SHOPSCOPE_STACK_KAFKA=off; a bad value is one clear error', () => {
    expect(componentsNamed(undefined, loadSettings({}).kafka).map((c) => c.name)).toContain('kafka');
    expect(componentsNamed(undefined, loadSettings({ SHOPSCOPE_STACK_KAFKA: 'off' }).kafka).map((c) => c.name)).toEqual([
      'prometheus',
      'victorialogs',
      'jaeger',
      'collector',
    ]);
    expect(componentsNamed(['kafka'], false).map((c) => c.name)).toEqual(['kafka']);
    expect(() => loadSettings({ SHOPSCOPE_STACK_KAFKA: 'maybe' })).toThrow('SHOPSCOPE_STACK_KAFKA=maybe is not on or off');
    expect(() => loadSettings({ SHOPSCOPE_KAFKA_PORT: '9090' })).toThrow(/port 9090 is given to both/);
  });

  it('fetches the pinned artifacts with a generated pom', () => {
    const pom = kafkaPom(loadVersions().kafka.artifacts);
    expect(pom).toContain('<groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>4.4.0</version>');
    expect(pom).toContain('<artifactId>log4j-slf4j-impl</artifactId>');
  });
});

describe('the broker health probe', () => {
  it('sends ApiVersions v0 and accepts only its own answer with no error', () => {
    const request = apiVersionsRequest(7);
    expect(request.readInt32BE(0)).toBe(request.length - 4);
    expect([request.readInt16BE(4), request.readInt16BE(6), request.readInt32BE(8)]).toEqual([18, 0, 7]);
    const answer = (correlation: number, error: number) => {
      const buffer = Buffer.alloc(10);
      buffer.writeInt32BE(6, 0);
      buffer.writeInt32BE(correlation, 4);
      buffer.writeInt16BE(error, 8);
      return buffer;
    };
    expect(apiVersionsAnswered(answer(7, 0), 7)).toBe(true);
    expect(apiVersionsAnswered(answer(8, 0), 7)).toBe(false);
    expect(apiVersionsAnswered(answer(7, 35), 7)).toBe(false);
  });

  it('says no for a port that only accepts, or refuses, within its timeout', { timeout: 10_000 }, async () => {
    const accepted: Socket[] = [];
    const silent = createServer((socket) => void accepted.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    const started = performance.now();
    expect(await kafkaAnswers('127.0.0.1', port, 300)).toBe(false);
    expect(performance.now() - started).toBeLessThan(2_000);
    for (const socket of accepted) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
    expect(await kafkaAnswers('127.0.0.1', port, 300)).toBe(false);
  });
});
