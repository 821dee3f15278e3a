import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';

// The storefront's real-user monitoring (Grafana Faro in the page) takes its settings from the
// same environment as the services: the gateway reads them once and serves them to the page as a
// small script, loaded before the telemetry bundle, so Faro starts before the page's first fetch.

export interface BrowserTelemetrySettings {
  enabled: boolean;
  /** `service.name` of the browser side in traces, logs and the service map. */
  serviceName: string;
  /** The shop's package version. */
  version: string;
  /** `deployment.environment.name`: the services' own, else SHOPSCOPE_PROFILE, else dev. */
  environment: string;
  /** The collector's OTLP/HTTP base URL the browser posts to (`/v1/traces`, `/v1/logs`). */
  otlpUrl: string;
}

export const BROWSER_CONFIG_PATH = '/storefront-config.js';

const shopVersion = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const NAME = /^[A-Za-z][\w.-]{0,62}$/;

function environmentOf(env: NodeJS.ProcessEnv): string {
  for (const pair of (env.OTEL_RESOURCE_ATTRIBUTES ?? '').split(',')) {
    const [key, value] = pair.split('=').map((part) => part.trim());
    if ((key === 'deployment.environment.name' || key === 'deployment.environment') && value) return decodeURIComponent(value);
  }
  return env.SHOPSCOPE_PROFILE || 'dev';
}

function otlpUrlOf(env: NodeJS.ProcessEnv): string {
  if (env.SHOPSCOPE_BROWSER_OTLP_URL) return env.SHOPSCOPE_BROWSER_OTLP_URL;
  return `http://127.0.0.1:${env.SHOPSCOPE_OTLP_HTTP_PORT || '4318'}`;
}

/**
 * Reads the browser's telemetry settings. A bad value turns the browser's telemetry off with one
 * line in `problem` (the shop itself keeps serving).
 */
export function loadBrowserTelemetry(env: NodeJS.ProcessEnv = process.env): { settings: BrowserTelemetrySettings; problem?: string } {
  const settings: BrowserTelemetrySettings = {
    enabled: true,
    serviceName: env.SHOPSCOPE_STOREFRONT_SERVICE_NAME || 'storefront',
    version: shopVersion,
    environment: environmentOf(env),
    otlpUrl: otlpUrlOf(env).replace(/\/+$/, ''),
  };
  const off = (problem: string) => ({
    settings: { ...settings, enabled: false },
    problem: `${problem}; the storefront's browser telemetry is off`,
  });
  const switchValue = env.SHOPSCOPE_BROWSER_TELEMETRY || 'on';
  if (switchValue !== 'on' && switchValue !== 'off')
    return off(`SHOPSCOPE_BROWSER_TELEMETRY="${switchValue.slice(0, 40)}" is not on or off`);
  if (switchValue === 'off') return { settings: { ...settings, enabled: false } };
  if (!NAME.test(settings.serviceName))
    return off(
      `SHOPSCOPE_STOREFRONT_SERVICE_NAME="${settings.serviceName.slice(0, 80)}" is not a service name (a letter, then letters, digits, . _ -)`,
    );
  if (!NAME.test(settings.environment)) return off(`the environment "${settings.environment.slice(0, 80)}" is not a plain name`);
  let url: URL | undefined;
  try {
    url = new URL(settings.otlpUrl);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.hash) {
    return off(
      `the browser's OTLP URL "${settings.otlpUrl.slice(0, 80)}" (SHOPSCOPE_BROWSER_OTLP_URL or SHOPSCOPE_OTLP_HTTP_PORT) is not an http(s) URL`,
    );
  }
  return { settings };
}

/** Serves the settings as a script that sets `window.shopscopeTelemetry` (no inline script in the page). */
export function registerBrowserTelemetry(app: FastifyInstance, settings: BrowserTelemetrySettings): void {
  // JSON.stringify escapes nothing HTML-special, but the script is served as its own file, never inlined
  const body = `window.shopscopeTelemetry = ${JSON.stringify(settings)};\n`;
  app.get(BROWSER_CONFIG_PATH, async (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-store').send(body),
  );
}
