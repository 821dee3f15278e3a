import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ShopError, errorBody, errorCodes, type ErrorCode } from './errors.ts';
import { telemetry } from './telemetry.ts';

/**
 * The errors fastify and node raise themselves (bad JSON, body size, media type, a URL that is
 * not valid percent-encoding, a request that never finishes arriving, bytes that are not HTTP)
 * answered like every other error: `{error:{code,message}}` with a code from the shop's table.
 */
interface Answer {
  code: ErrorCode;
  message: string;
}

const notJson: Answer = { code: 'invalid_json', message: 'request body is not valid JSON' };

/** fastify's own errors that say more than their status. */
const byFastifyCode: Readonly<Record<string, Answer>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: notJson,
  FST_ERR_CTP_EMPTY_JSON_BODY: notJson,
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'payload_too_large', message: 'request body is too large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'unsupported_media_type', message: 'send JSON with Content-Type: application/json' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'malformed_request', message: 'request body size does not match Content-Length' },
  FST_ERR_BAD_URL: { code: 'invalid_url', message: 'the URL is not valid percent-encoding' },
  FST_ERR_MAX_PARAM_LENGTH: { code: 'url_too_long', message: 'a segment of the URL path is too long' },
};

/** Any other client error from fastify or a plugin (the static files' 403, 412, 416), by status. */
const byStatus: Readonly<Partial<Record<number, ErrorCode>>> = {
  400: 'invalid_request',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  408: 'request_timeout',
  412: 'precondition_failed',
  413: 'payload_too_large',
  414: 'url_too_long',
  415: 'unsupported_media_type',
  416: 'range_not_satisfiable',
  431: 'headers_too_large',
};

/** The shop's answer to an error fastify raised; undefined for a server-side fault. */
export function answerFor(err: FastifyError): Answer | undefined {
  const known = Object.hasOwn(byFastifyCode, err.code) ? byFastifyCode[err.code] : undefined;
  if (known) return known;
  if (err instanceof SyntaxError) return notJson;
  const status = err.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500)
    return { code: byStatus[status] ?? 'invalid_request', message: err.message };
  return undefined;
}

function sendError(reply: FastifyReply, code: ErrorCode, message: string, details?: unknown) {
  return reply
    .status(errorCodes[code])
    .type('application/json')
    .send(errorBody(code, message, details));
}

function sendFault(request: FastifyRequest, reply: FastifyReply, err: unknown) {
  request.log.error({ err }, 'unhandled error');
  telemetry.log('error', { err, event: 'shop.unhandled_error' }, 'unhandled error');
  return sendError(reply, 'internal_error', 'internal error');
}

export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (err instanceof ShopError) return sendError(reply, err.code, err.message, err.details);
    const answer = answerFor(err);
    return answer ? sendError(reply, answer.code, answer.message) : sendFault(request, reply, err);
  });
  app.setNotFoundHandler((request, reply) => sendError(reply, 'not_found', `no route for ${request.method} ${request.url.split('?')[0]}`));
}

/** fastify's `frameworkErrors`: errors its router raises before any route or hook runs. */
export function frameworkErrors(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const answer = answerFor(err);
  void (answer ? sendError(reply, answer.code, answer.message) : sendFault(request, reply, err));
}

function clientAnswer(err: NodeJS.ErrnoException): Answer {
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') return { code: 'request_timeout', message: 'the request did not arrive in time' };
  if (err.code === 'HPE_HEADER_OVERFLOW') return { code: 'headers_too_large', message: 'the request headers are too large' };
  return { code: 'malformed_request', message: 'the request is not valid HTTP' };
}

/**
 * fastify's `clientErrorHandler`: node's HTTP parser and its request and header timeouts fail
 * a connection before fastify has a request. As node itself does, an answer is written only
 * when nothing was written on the connection yet; the connection is then closed.
 */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  if (socket.writable && socket.bytesWritten === 0) {
    const answer = clientAnswer(err);
    const status = errorCodes[answer.code];
    const body = JSON.stringify(errorBody(answer.code, answer.message));
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}
