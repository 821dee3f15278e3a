/**
 * The shop's one small interface to a message broker. Only kafka-event-bus.ts knows the client
 * library (kafkajs 2.2.4, unmaintained since 2023): swapping it touches that file alone.
 */
export interface OutgoingEvent {
  /** Partition key: one key's events keep their order. */
  key: string;
  value: string;
  headers: Readonly<Record<string, string>>;
}

export interface IncomingEvent {
  topic: string;
  partition: number;
  offset: string;
  key: string | undefined;
  value: Buffer | null;
  headers: Readonly<Record<string, string>>;
}

export interface EventPublisher {
  /** Resolves once the broker has every event of the batch; rejects when it could not take them. */
  publish(topic: string, events: readonly OutgoingEvent[]): Promise<void>;
  close(): Promise<void>;
}

export interface PartitionLag {
  topic: string;
  partition: number;
  lag: number;
}

export interface EventConsumer {
  /**
   * Joins the group and hands each event to `handle`, one at a time per partition; the offset is
   * committed after `handle` resolves (a rejection redelivers the event). Returns at once: the
   * connection is made, and remade after a broker outage, in the background.
   */
  start(handle: (event: IncomingEvent) => Promise<void>): void;
  /** Stops fetching (the group keeps its partitions, so the lag grows) until `resume`. */
  pause(): void;
  resume(): void;
  readonly paused: boolean;
  /** Latest offset minus the group's committed offset, per partition; undefined when the broker is away. */
  lag(): Promise<PartitionLag[] | undefined>;
  close(): Promise<void>;
}

export interface EventBusOptions {
  /** host:port list, e.g. `127.0.0.1:9092`. */
  brokers: readonly string[];
  clientId: string;
  /** Where the client's own warnings and errors go (the same text at most once a minute). */
  log: (level: 'warn' | 'error', message: string) => void;
}
