import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { AlertsError } from '../errors.ts';

export interface AccessOptions {
  /** The address the API is bound to, and its port. */
  host: string;
  port: number;
  /** The Bearer token changes must carry; without one the API is read-only. */
  token?: string;
  /** More Host header values to accept (names the API is reached by). */
  allowedHosts: readonly string[];
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const LOCAL_NAMES = ['localhost', '127.0.0.1', '[::1]'];
const HOST_SYNTAX = /^(?:\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::\d{1,5})?$/i;

/**
 * Who may use the API, checked before any route: the Host check stops a web page that rebinds its
 * DNS name to 127.0.0.1 from reading the API in a browser; the token guards every change; a body
 * must be JSON, which a browser cannot send cross-origin without a preflight this API never grants.
 */
export function checkAccess(req: IncomingMessage, access: AccessOptions): void {
  checkHost(req.headers.host, access);
  if (!SAFE_METHODS.has(req.method ?? '')) checkToken(req.headers.authorization, access.token);
  if (hasBody(req)) {
    const type = String(req.headers['content-type'] ?? '')
      .split(';')[0]
      ?.trim()
      .toLowerCase();
    if (type !== 'application/json') {
      throw new AlertsError(
        'SHOPSCOPE_ERR_UNSUPPORTED_MEDIA_TYPE',
        `a request body must be application/json, not ${JSON.stringify((type || 'none').slice(0, 100))}`,
      );
    }
  }
}

function checkHost(header: string | undefined, access: AccessOptions): void {
  const host = (header ?? '').trim().toLowerCase();
  const refuse = () =>
    new AlertsError(
      'SHOPSCOPE_ERR_FORBIDDEN_HOST',
      `Host ${JSON.stringify(host.slice(0, 100))} is not this API's address: use ${access.host}:${access.port} or localhost:${access.port}`,
    );
  if (!HOST_SYNTAX.test(host)) throw refuse();
  if (access.allowedHosts.some((h) => h.toLowerCase() === host)) return;
  const colon = host.lastIndexOf(':');
  const hasPort = colon > host.lastIndexOf(']');
  const name = hasPort ? host.slice(0, colon) : host;
  const port = hasPort ? Number(host.slice(colon + 1)) : 80;
  const bound = access.host.includes(':') ? `[${access.host.toLowerCase()}]` : access.host.toLowerCase();
  const names = [bound, ...LOCAL_NAMES, ...access.allowedHosts.map((h) => h.toLowerCase())];
  if (port !== access.port || !names.includes(name)) throw refuse();
}

function checkToken(header: string | undefined, token: string | undefined): void {
  if (token === undefined) {
    throw new AlertsError(
      'SHOPSCOPE_ERR_API_TOKEN_UNSET',
      'changes through the API are turned off: start the evaluator with SHOPSCOPE_ALERTS_TOKEN set, and send it as "Authorization: Bearer <token>"',
    );
  }
  const given = /^Bearer +(\S+) *$/i.exec(header ?? '')?.[1];
  if (given === undefined || !sameSecret(given, token)) {
    throw new AlertsError('SHOPSCOPE_ERR_UNAUTHORIZED', 'send "Authorization: Bearer <token>" with the value of SHOPSCOPE_ALERTS_TOKEN');
  }
}

/** Compares digests in constant time, so neither the content nor the length of the token leaks through timing. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}
