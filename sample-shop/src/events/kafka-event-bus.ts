import { Kafka, logLevel, Partitioners, type Admin, type Consumer, type LogEntry, type Producer } from 'kafkajs';
import { sleep } from '../shared/sleep.ts';
import type { EventBusOptions, EventConsumer, EventPublisher, IncomingEvent, OutgoingEvent, PartitionLag } from './event-bus.ts';

// The event bus over kafkajs. Every wait is bounded: a few quick retries inside the client, then
// the caller (the outbox relay, the consumer's reconnect loop) backs off on its own terms.

const RETRY = { retries: 3, initialRetryTime: 200, maxRetryTime: 2_000 };
const QUIET_REPEAT_MS = 60_000;

/**
 * The client's logs at warn and above, through the shop's logger. A broker outage makes the
 * client log the same connection error on every attempt; a line already written in the last
 * minute is dropped (kafkajs has no such limit of its own).
 */
function logCreator(log: EventBusOptions['log']) {
  const lastWritten = new Map<string, number>();
  return () =>
    ({ level, log: entry }: LogEntry) => {
      const text = `kafkajs ${entry.logger ?? ''}: ${entry.message}${entry.error ? ` (${entry.error})` : ''}`;
      const now = Date.now();
      if ((lastWritten.get(text) ?? 0) > now - QUIET_REPEAT_MS) return;
      if (lastWritten.size > 100) lastWritten.clear();
      lastWritten.set(text, now);
      log(level === logLevel.ERROR ? 'error' : 'warn', text);
    };
}

function client(options: EventBusOptions): Kafka {
  return new Kafka({
    clientId: options.clientId,
    brokers: [...options.brokers],
    connectionTimeout: 3_000,
    requestTimeout: 10_000,
    retry: RETRY,
    logLevel: logLevel.WARN,
    logCreator: logCreator(options.log),
  });
}

function headersOf(raw: Record<string, unknown> | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw ?? {})) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? String(value[0]) : String(value);
  }
  return headers;
}

export function kafkaPublisher(options: EventBusOptions): EventPublisher {
  const kafka = client(options);
  let producer: Producer | undefined;
  return {
    async publish(topic, events: readonly OutgoingEvent[]) {
      if (events.length === 0) return;
      if (!producer) {
        const created = kafka.producer({ allowAutoTopicCreation: true, createPartitioner: Partitioners.DefaultPartitioner, retry: RETRY });
        await created.connect();
        producer = created;
      }
      try {
        await producer.send({
          topic,
          acks: -1,
          messages: events.map((event) => ({ key: event.key, value: event.value, headers: { ...event.headers } })),
        });
      } catch (err) {
        // A fresh connection next time: after an outage the old one may hold stale metadata.
        const broken = producer;
        producer = undefined;
        await broken.disconnect().catch(() => undefined);
        throw err;
      }
    },
    async close() {
      await producer?.disconnect().catch(() => undefined);
      producer = undefined;
    },
  };
}

export interface ConsumerOptions extends EventBusOptions {
  groupId: string;
  topic: string;
}

export function kafkaConsumer(options: ConsumerOptions): EventConsumer {
  const kafka = client(options);
  let consumer: Consumer | undefined;
  let admin: Admin | undefined;
  let wantPaused = false;
  let closed = false;

  const applyPause = () => {
    if (!consumer) return;
    if (wantPaused) consumer.pause([{ topic: options.topic }]);
    else consumer.resume([{ topic: options.topic }]);
  };

  async function connectAndRun(handle: (event: IncomingEvent) => Promise<void>): Promise<void> {
    let delayMs = 500;
    let told = false;
    while (!closed) {
      // The broker's smallest session (6 s): after a broker restart the group waits out the old
      // member's session before it rebalances, so a short one brings the events back sooner.
      const created = kafka.consumer({ groupId: options.groupId, retry: RETRY, sessionTimeout: 6_000, heartbeatInterval: 1_000 });
      try {
        await created.connect();
        await created.subscribe({ topics: [options.topic], fromBeginning: true });
        await created.run({
          eachMessage: async ({ topic, partition, message }) => {
            await handle({
              topic,
              partition,
              offset: message.offset,
              key: message.key?.toString(),
              value: message.value,
              headers: headersOf(message.headers),
            });
          },
        });
        consumer = created;
        applyPause();
        if (told) options.log('warn', `event consumer ${options.groupId}: connected again`);
        // The client restarts itself after most failures; one it gives up on starts this loop again.
        created.on(created.events.CRASH, (event) => {
          if (event.payload.restart || closed) return;
          consumer = undefined;
          void created.disconnect().catch(() => undefined);
          void connectAndRun(handle);
        });
        return;
      } catch (err) {
        await created.disconnect().catch(() => undefined);
        if (!told) options.log('warn', `event consumer ${options.groupId}: broker not reachable (${String(err)}); retrying`);
        told = true;
        await sleep(delayMs);
        delayMs = Math.min(delayMs * 2, 10_000);
      }
    }
  }

  return {
    start(handle) {
      void connectAndRun(handle);
    },
    pause() {
      wantPaused = true;
      applyPause();
    },
    resume() {
      wantPaused = false;
      applyPause();
    },
    get paused() {
      return wantPaused;
    },
    async lag(): Promise<PartitionLag[] | undefined> {
      try {
        if (!admin) {
          const created = kafka.admin({ retry: { retries: 1 } });
          await created.connect();
          admin = created;
        }
        const latest = await admin.fetchTopicOffsets(options.topic);
        const [committed] = await admin.fetchOffsets({ groupId: options.groupId, topics: [options.topic] });
        return latest.map(({ partition, high, low }) => {
          const offset = Number(committed?.partitions.find((p) => p.partition === partition)?.offset ?? -1);
          return { topic: options.topic, partition, lag: Math.max(0, Number(high) - (offset >= 0 ? offset : Number(low))) };
        });
      } catch {
        const broken = admin;
        admin = undefined;
        await broken?.disconnect().catch(() => undefined);
        return undefined;
      }
    },
    async close() {
      closed = true;
      await Promise.all([consumer?.disconnect().catch(() => undefined), admin?.disconnect().catch(() => undefined)]);
      consumer = undefined;
      admin = undefined;
    },
  };
}
