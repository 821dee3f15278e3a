import { ExpressInstrumentation, ExpressLayerType } from '@opentelemetry/instrumentation-express';
import type { RedMetrics } from '../metrics/red-metrics.ts';
import { safeCall } from '../safety/safe-call.ts';
import { setRoute } from './server-requests.ts';

// express 4 and 5: `@opentelemetry/instrumentation-express` tracks the mounted path of every
// layer (nested routers included: `/api/v1` + `/orders/:id` → `/api/v1/orders/:id`); its
// requestHook hands the matched route's template to the agent's own inbound span and RED
// labels (incoming HTTP is the agent's channel-based path, so the instrumentation's RPC
// metadata would not reach them). Only route handlers get a span (`request handler - /path`):
// middleware and router layers would add one span per `app.use` to every request and say
// little. A request no route matched keeps the route `unknown`: never the raw path.

export function expressInstrumentation(metrics: RedMetrics | undefined): ExpressInstrumentation {
  const readRoute = safeCall('express route', (request: object, route: string) => {
    if (route) setRoute(request, route, metrics);
  });
  return new ExpressInstrumentation({
    ignoreLayersType: [ExpressLayerType.MIDDLEWARE, ExpressLayerType.ROUTER],
    // express 5 names its handler spans without the path; one name for both versions.
    spanNameHook: (info, defaultName) =>
      info.layerType === ExpressLayerType.REQUEST_HANDLER && info.route ? `request handler - ${info.route}` : defaultName,
    requestHook: (_span, info) => {
      if (info.layerType === ExpressLayerType.REQUEST_HANDLER) readRoute(info.request as object, info.route);
    },
  });
}
