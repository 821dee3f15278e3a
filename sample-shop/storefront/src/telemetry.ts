// Real-user monitoring of the storefront with Grafana Faro: page loads, web vitals, JavaScript
// errors and console errors, user actions, and a span for every fetch whose trace context
// (`traceparent`) reaches the gateway, so one trace runs from the click to the SQL statement.
// Everything goes as OTLP/HTTP JSON to the collector; every item is scrubbed of personal data
// before it leaves the page (scrub.ts). Telemetry never breaks the page: a failure to start or
// to send is swallowed, and Faro's own logger is silent.
import {
  InternalLoggerLevel,
  LogLevel,
  TransportItemType,
  getWebInstrumentations,
  initializeFaro,
  type TransportItem,
} from '@grafana/faro-web-sdk';
import { TracingInstrumentation } from '@grafana/faro-web-tracing';
import { OtlpHttpTransport } from '@grafana/faro-transport-otlp-http';
import { scrubItem, scrubText } from './scrub.ts';

/** What the gateway serves as /storefront-config.js (sample-shop/src/gateway/browser-telemetry.ts). */
interface BrowserTelemetrySettings {
  enabled: boolean;
  serviceName: string;
  version: string;
  environment: string;
  otlpUrl: string;
}

declare global {
  interface Window {
    shopscopeTelemetry?: BrowserTelemetrySettings;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

interface OtlpSpans {
  resourceSpans?: { scopeSpans?: { spans?: { attributes?: { key: string; value: unknown }[] }[] }[] }[];
}

/** Spans carry the page they were made on (`page.url`), as the logs carry `url.full`. */
function withPageUrl(item: TransportItem): TransportItem {
  const url = item.meta.page?.url;
  if (item.type !== TransportItemType.TRACE || !url) return item;
  for (const resource of (item.payload as OtlpSpans).resourceSpans ?? []) {
    for (const scope of resource.scopeSpans ?? []) {
      for (const span of scope.spans ?? []) (span.attributes ??= []).push({ key: 'page.url', value: { stringValue: url } });
    }
  }
  return item;
}

function start(settings: BrowserTelemetrySettings): void {
  const tracesURL = `${settings.otlpUrl}/v1/traces`;
  const logsURL = `${settings.otlpUrl}/v1/logs`;
  initializeFaro({
    app: { name: settings.serviceName, version: settings.version, environment: settings.environment },
    transports: [
      new OtlpHttpTransport({
        tracesURL,
        logsURL,
        otlpTransform: {
          // a readable `_msg` in VictoriaLogs for errors and measurements (the rest are fields)
          createErrorLogBody: (item) => scrubText(`${item.payload.type}: ${item.payload.value}`),
          createMeasurementLogBody: (item) =>
            `${item.payload.type} ${Object.entries(item.payload.values)
              .map(([name, value]) => `${name}=${value}`)
              .join(' ')}`,
        },
      }),
    ],
    instrumentations: [
      // console: errors only (scrubbed like everything else); the other levels stay in the page
      ...getWebInstrumentations({ captureConsole: true }),
      // same-origin requests (the shop's /api) get traceparent; no other origin is named in
      // propagateTraceHeaderCorsUrls, so no other site learns the trace context
      new TracingInstrumentation(),
    ],
    consoleInstrumentation: { disabledLevels: [LogLevel.TRACE, LogLevel.DEBUG, LogLevel.LOG, LogLevel.INFO, LogLevel.WARN] },
    // Faro never traces or reports its own posts to the collector
    ignoreUrls: [new RegExp(`^${escapeRegExp(settings.otlpUrl)}/`)],
    // the shopper must never see telemetry trouble: Faro's own logger writes nothing
    internalLoggerLevel: InternalLoggerLevel.OFF,
    beforeSend: (item) => scrubItem(withPageUrl(item)),
    sessionTracking: { enabled: true, persistent: true },
    trackGeolocation: false,
  });
}

const settings = window.shopscopeTelemetry;
if (settings?.enabled) {
  try {
    start(settings);
  } catch {
    // the shop works without its telemetry
  }
}
