export { logger, commerce, experiment, shopscopeWinstonFormat, metricsPort, flush } from './api.ts';
export { traced } from './tracing/traced.ts';
export { TRANSACTION_HEADER } from './http/server-requests.ts';
export { errorCodes, type ErrorCode } from './errors.ts';
export type { ConventionLogger } from './logging/logger.ts';
export type { Commerce, OrderPlaced, PaymentFailed, CartUpdated, CheckoutStep } from './commerce/commerce.ts';
