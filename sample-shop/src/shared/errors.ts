/**
 * Every error the shop answers with has a stable code from this table, in the body
 * `{error:{code,message}}`. The README's error table is checked against it by a test.
 */
export const errorCodes = {
  invalid_json: 400,
  invalid_request: 400,
  invalid_url: 400,
  malformed_request: 400,
  unsupported_media_type: 415,
  payload_too_large: 413,
  url_too_long: 414,
  headers_too_large: 431,
  request_timeout: 408,
  not_found: 404,
  forbidden: 403,
  method_not_allowed: 405,
  precondition_failed: 412,
  range_not_satisfiable: 416,
  unauthorized: 401,
  rate_limited: 429,
  product_not_found: 404,
  cart_not_found: 404,
  order_not_found: 404,
  cart_empty: 400,
  cart_closed: 409,
  cart_checked_out: 409,
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

export type ErrorCode = keyof typeof errorCodes;

export class ShopError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ShopError';
    this.status = errorCodes[code];
  }
}

export function errorBody(code: string, message: string, details?: unknown) {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}
