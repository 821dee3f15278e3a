import type { FastifyPluginAsync } from 'fastify';
import fastifyStatic from '@fastify/static';
import { loadBrowserTelemetry, registerBrowserTelemetry, type BrowserTelemetrySettings } from './browser-telemetry.ts';

const storefrontDir = new URL('../../storefront/', import.meta.url).pathname;

/** The storefront page's files at `/`, and the browser telemetry settings (from the environment) it loads first. */
export const storefrontRoutes: FastifyPluginAsync = async (app) => {
  registerBrowserTelemetry(app, browserTelemetryFromEnv());
  await app.register(fastifyStatic, { root: storefrontDir, prefix: '/', index: ['index.html'] });
};

function browserTelemetryFromEnv(): BrowserTelemetrySettings {
  const { settings, problem } = loadBrowserTelemetry(process.env);
  if (problem) console.error(`gateway: ${problem}`);
  return settings;
}
