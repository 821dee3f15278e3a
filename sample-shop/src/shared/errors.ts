import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { telemetry } from './telemetry.ts';

/**
 * Every error the shop answers with has a stable code from this table, in the body
 * `{error:{code,message}}`. The README's error table is checked against it by a test.
 */
export const errorStatus = {
  invalid_json: 400,
  invalid_request: 400,
  unsupported_media_type: 415,
  payload_too_large: 413,
  not_found: 404,
  method_not_allowed: 405,
  unauthorized: 401,
  rate_limited: 429,
  product_not_found: 404,
  cart_not_found: 404,
  order_not_found: 404,
  cart_empty: 400,
  cart_closed: 409,
  quantity_limit: 400,
  out_of_stock: 409,
  reservation_conflict: 409,
  idempotency_key_reused: 422,
  checkout_in_progress: 409,
  card_declined: 402,
  payment_provider_error: 502,
  payment_timeout: 504,
  service_unavailable: 503,
  injected_fault: 500,
  upstream_error: 502,
  internal_error: 500,
} as const;

export type ErrorCode = keyof typeof errorStatus;

export class ShopError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ShopError';
    this.status = errorStatus[code];
  }
}

export function errorBody(code: string, message: string, details?: unknown) {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

function sendError(reply: FastifyReply, status: number, code: string, message: string, details?: unknown) {
  return reply.status(status).type('application/json').send(errorBody(code, message, details));
}

/** Maps fastify's own errors (bad JSON, size limit, media type) onto the shop's codes. */
function fromFastifyError(err: FastifyError): { status: number; code: ErrorCode; message: string } | undefined {
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { status: 400, code: 'invalid_json', message: 'request body is not valid JSON' };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, code: 'payload_too_large', message: 'request body is too large' };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { status: 415, code: 'unsupported_media_type', message: 'send JSON with Content-Type: application/json' };
    default:
      break;
  }
  if (err instanceof SyntaxError) return { status: 400, code: 'invalid_json', message: 'request body is not valid JSON' };
  if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
    return { status: err.statusCode, code: 'invalid_request', message: err.message };
  }
  return undefined;
}

export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (err instanceof ShopError) return sendError(reply, err.status, err.code, err.message, err.details);
    const known = fromFastifyError(err);
    if (known) return sendError(reply, known.status, known.code, known.message);
    request.log.error({ err }, 'unhandled error');
    telemetry.log('error', { err, event: 'shop.unhandled_error' }, 'unhandled error');
    return sendError(reply, 500, 'internal_error', 'internal error');
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(reply, 404, 'not_found', `no route for ${request.method} ${request.url.split('?')[0]}`),
  );
}
