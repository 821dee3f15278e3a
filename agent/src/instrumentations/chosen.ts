import type { TracerProvider } from '@opentelemetry/api';
import { registerInstrumentations, type Instrumentation } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import { WinstonInstrumentation } from '@opentelemetry/instrumentation-winston';
import { SERVICE_HEADER, setPeerService } from '../http/server-requests.ts';
import { describe } from '../safety/safe-call.ts';
import { warn } from '../safety/warn.ts';
import { BetterSqlite3Instrumentation } from './better-sqlite3/instrumentation.ts';
import { instrumentFetch } from './undici-fetch.ts';

// The chosen set, not the whole auto-instrumentation bundle. Inbound HTTP and fastify routes
// are not here: they use diagnostics channels (http/server-requests.ts, http/fastify-routes.ts).
//   fetch   — global fetch (undici), how the shop's services call each other: our own, on
//             undici's diagnostics channels (instrumentations/undici-fetch.ts)
//   http    — outgoing node:http only (incoming is off: the channel-based path replaces it)
//   pg      — the shop's PostgreSQL mode;  better-sqlite3 — its SQLite mode (our own)
//   pino, winston — trace_id/span_id in the app's own loggers' lines
// Outbound spans get `peer.service` from the callee's x-shopscope-service response header,
// so a service map can be drawn from spans alone.

const FETCH_SCOPE = '@shopscope/instrumentation-fetch';

export function enableInstrumentations(tracerProvider: TracerProvider): void {
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
            if ('req' in response) return;
            setPeerService(span, response.headers[SERVICE_HEADER]);
          },
        }),
    ],
    ['pg', () => new PgInstrumentation({ requireParentSpan: true })],
    ['better-sqlite3', () => new BetterSqlite3Instrumentation()],
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
export const HOOKED_MODULES = ['pg', 'pg-pool', 'pino', 'winston', 'better-sqlite3'];
