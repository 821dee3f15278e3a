import type { FastifyInstance } from 'fastify';
import type { ServiceName, ShopConfig } from './shared/config.ts';
import { sqlitePath } from './shared/config.ts';
import { openDb, type Db } from './shared/db.ts';
import type { FlagStore } from './shared/flags.ts';
import { ServiceClient } from './shared/service-client.ts';

export interface BuiltService {
  app: FastifyInstance;
  db?: Db;
}

export interface BuildOptions {
  logger?: boolean;
  /** How often orders' recovery sweep runs (tests shorten it). */
  recoveryIntervalMs?: number;
}

/**
 * Builds one service's app with its database and clients; the one place the wiring lives. Each
 * service's modules are imported when that service is built, so a process loads only its own
 * (the gateway's static-file server stays out of the other five).
 */
export async function buildService(
  name: ServiceName,
  config: ShopConfig,
  flags: FlagStore,
  options: BuildOptions = {},
): Promise<BuiltService> {
  const client = (target: ServiceName, timeoutMs?: number) => new ServiceClient(target, config.urls[target], timeoutMs);
  const db = name === 'gateway' ? undefined : openDb({ databaseUrl: config.databaseUrl, sqlitePath: sqlitePath(config, name) });
  const logger = options.logger;
  const limits = config.http;
  switch (name) {
    case 'gateway': {
      const { buildGatewayApp } = await import('./gateway/app.ts');
      return { app: await buildGatewayApp({ config, flags, logger }) };
    }
    case 'catalog': {
      const { buildCatalogApp } = await import('./catalog/app.ts');
      return { app: await buildCatalogApp({ db: db!, flags, inventory: client('inventory'), logger, limits }), db };
    }
    case 'cart': {
      const { buildCartApp } = await import('./cart/app.ts');
      return { app: await buildCartApp({ db: db!, flags, catalog: client('catalog'), logger, limits }), db };
    }
    case 'inventory': {
      const { buildInventoryApp } = await import('./inventory/app.ts');
      return { app: await buildInventoryApp({ db: db!, flags, logger, limits }), db };
    }
    case 'payments': {
      const { buildPaymentsApp } = await import('./payments/app.ts');
      return { app: await buildPaymentsApp({ db: db!, flags, logger, limits }), db };
    }
    case 'orders': {
      const { buildOrdersApp } = await import('./orders/app.ts');
      return {
        app: await buildOrdersApp({
          db: db!,
          catalog: client('catalog'),
          cart: client('cart'),
          inventory: client('inventory'),
          payments: client('payments', config.paymentTimeoutMs),
          paymentTimeoutMs: config.paymentTimeoutMs,
          recoverAfterMs: config.recoverAfterMs,
          recoveryIntervalMs: options.recoveryIntervalMs,
          flags,
          settlementSchedule: config.settlementSchedule,
          events: await eventPublisher(config, 'orders'),
          logger,
          limits,
        }),
        db,
      };
    }
    case 'fulfilment': {
      const { buildFulfilmentApp } = await import('./fulfilment/app.ts');
      return { app: await buildFulfilmentApp({ db: db!, flags, events: await orderEventConsumer(config), logger, limits }), db };
    }
  }
}

// The Kafka client is loaded only by the two services that use it (`SHOPSCOPE_KAFKA_BROKERS=off`: neither).
async function eventPublisher(config: ShopConfig, clientId: string) {
  if (config.kafkaBrokers.length === 0) return undefined;
  const [{ kafkaPublisher }, { eventLog }] = await Promise.all([import('./events/kafka-event-bus.ts'), import('./events/event-log.ts')]);
  return kafkaPublisher({
    brokers: config.kafkaBrokers,
    clientId,
    log: (level, message) => eventLog(level, { event: 'kafka.client' }, message),
  });
}

async function orderEventConsumer(config: ShopConfig) {
  if (config.kafkaBrokers.length === 0) return undefined;
  const [{ kafkaConsumer }, { eventLog }, { ORDER_EVENTS_TOPIC }, { FULFILMENT_GROUP }] = await Promise.all([
    import('./events/kafka-event-bus.ts'),
    import('./events/event-log.ts'),
    import('./events/order-events.ts'),
    import('./fulfilment/consumer.ts'),
  ]);
  return kafkaConsumer({
    brokers: config.kafkaBrokers,
    clientId: 'fulfilment',
    groupId: FULFILMENT_GROUP,
    topic: ORDER_EVENTS_TOPIC,
    log: (level, message) => eventLog(level, { event: 'kafka.client' }, message),
  });
}
