import { IncomingMessage } from 'node:http';
import type { Span, TracerProvider } from '@opentelemetry/api';
import { registerInstrumentations, type Instrumentation } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import { RedisInstrumentation } from '@opentelemetry/instrumentation-redis';
import { WinstonInstrumentation } from '@opentelemetry/instrumentation-winston';
import { expressInstrumentation } from '../http/express-routes.ts';
import { SERVICE_HEADER, setPeerService } from '../http/server-requests.ts';
import type { RedMetrics } from '../metrics/red-metrics.ts';
import { describe } from '../safety/safe-call.ts';
import { warn } from '../safety/warn.ts';
import { BetterSqlite3Instrumentation } from './better-sqlite3/instrumentation.ts';
import { graphqlInstrumentation } from './graphql.ts';
import { mysql2Instrumentation } from './mysql2.ts';
import { withParentOnly } from './parent-only.ts';
import { redisCommandOnly } from './redis-statement.ts';
import { instrumentFetch } from './undici-fetch.ts';

// The chosen set, not the whole auto-instrumentation bundle. Inbound HTTP and fastify routes
// are not here: they use diagnostics channels (http/server-requests.ts, http/fastify-routes.ts).
//   fetch   — global fetch (undici), how the shop's services call each other: our own, on
//             undici's diagnostics channels (instrumentations/undici-fetch.ts)
//   http    — outgoing node:http only (incoming is off: the channel-based path replaces it)
//   pg      — the shop's PostgreSQL mode;  better-sqlite3 — its SQLite mode (our own)
//   pino, winston — trace_id/span_id in the app's own loggers' lines
//   express — route templates for the inbound span and RED labels (http/express-routes.ts)
//   mysql2, ioredis, redis — only inside a trace; masked SQL, Redis command names only
//   graphql — merged resolver spans; results to the N+1 detector and metrics (graphql/)
//   kafkajs — producer and consumer spans; trace context travels in the message headers
// axios needs nothing of its own: its http adapter is node:http, its fetch adapter is fetch.
// Outbound spans get `peer.service` from the callee's x-shopscope-service response header,
// so a service map can be drawn from spans alone.

const FETCH_SCOPE = '@shopscope/instrumentation-fetch';

export interface InstrumentationHooks {
  /** For route templates (express) on the RED metrics' active-request gauge. */
  metrics?: RedMetrics | undefined;
  /** The GraphQL instrumentation's responseHook (graphql/graphql-telemetry.ts). */
  onGraphqlResult?: ((span: Span, result: unknown) => void) | undefined;
}

export function enableInstrumentations(tracerProvider: TracerProvider, hooks: InstrumentationHooks = {}): void {
  try {
    instrumentFetch(tracerProvider.getTracer(FETCH_SCOPE));
  } catch (error) {
    warn('SHOPSCOPE_ERR_INSTRUMENTATION', `fetch instrumentation not loaded: ${describe(error)}`, 'instrumentation:fetch');
  }
  const factories: Array<[string, () => Instrumentation]> = [
    [
      'http',
      () =>
        new HttpInstrumentation({
          disableIncomingRequestInstrumentation: true,
          responseHook: (span, response) => {
            // Outbound answers only (an IncomingMessage; a ServerResponse has no headers field).
            // Not `'req' in response`: a client's IncomingMessage has `req` too (its ClientRequest).
            if (!(response instanceof IncomingMessage)) return;
            setPeerService(span, response.headers[SERVICE_HEADER]);
          },
        }),
    ],
    ['pg', () => new PgInstrumentation({ requireParentSpan: true })],
    ['better-sqlite3', () => new BetterSqlite3Instrumentation()],
    ['express', () => expressInstrumentation(hooks.metrics)],
    ['mysql2', () => mysql2Instrumentation()],
    ['ioredis', () => new IORedisInstrumentation({ requireParentSpan: true, dbStatementSerializer: redisCommandOnly })],
    ['redis', () => withParentOnly(new RedisInstrumentation({ requireParentSpan: true, dbStatementSerializer: redisCommandOnly }))],
    ['graphql', () => graphqlInstrumentation(hooks.onGraphqlResult)],
    ['kafkajs', () => new KafkaJsInstrumentation()],
    ['pino', () => new PinoInstrumentation()],
    ['winston', () => new WinstonInstrumentation({ disableLogSending: true })],
  ];
  const instrumentations: Instrumentation[] = [];
  for (const [name, make] of factories) {
    try {
      instrumentations.push(make());
    } catch (error) {
      warn('SHOPSCOPE_ERR_INSTRUMENTATION', `${name} instrumentation not loaded: ${describe(error)}`, `instrumentation:${name}`);
    }
  }
  try {
    registerInstrumentations({ instrumentations, tracerProvider });
  } catch (error) {
    warn('SHOPSCOPE_ERR_INSTRUMENTATION', `instrumentations not enabled: ${describe(error)}`);
  }
}

/** Module names the ESM loader hook must intercept for the instrumentations above. */
export const HOOKED_MODULES = [
  'pg',
  'pg-pool',
  'pino',
  'winston',
  'better-sqlite3',
  'express',
  'mysql2',
  'ioredis',
  'redis',
  '@redis/client',
  'graphql',
  'kafkajs',
];
