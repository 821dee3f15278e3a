import { context, trace, type Attributes } from '@opentelemetry/api';
import { recordOf } from '../http/request-record.ts';
import type { ConventionLogger } from '../logging/logger.ts';
import type { RedMetrics } from '../metrics/red-metrics.ts';
import type { GuardedCounter } from '../metrics/guarded-metrics.ts';
import { safeCall } from '../safety/safe-call.ts';
import type { Experiments } from './experiments.ts';

// Business events: each call emits, together, a counter increment, one structured log event
// (same name as the span event) and a span event on the active span, with the request's
// declared experiment variants attached to all three.

export interface OrderPlaced {
  orderId: string;
  amount: number;
  currency: string;
  items?: number;
}

export interface PaymentFailed {
  orderId?: string;
  reason: string;
  amount?: number;
  currency?: string;
}

export interface CartUpdated {
  cartId?: string;
  action: 'add' | 'remove' | 'update' | 'clear';
  sku?: string;
  quantity?: number;
}

export interface CheckoutStep {
  step: string;
  orderId?: string;
}

export interface Commerce {
  orderPlaced(event: OrderPlaced): void;
  paymentFailed(event: PaymentFailed): void;
  cartUpdated(event: CartUpdated): void;
  checkoutStep(event: CheckoutStep): void;
}

const CURRENCY = /^[A-Z]{3}$/;
const currencyLabel = (currency: string | undefined): string => (currency && CURRENCY.test(currency) ? currency : 'other');

export function createCommerce(logger: ConventionLogger, metrics: RedMetrics | undefined, experiments: Experiments): Commerce {
  function emit(
    eventName: string,
    message: string,
    fields: Attributes,
    counters: Array<[GuardedCounter | undefined, string[], number]>,
  ): void {
    const active = context.active();
    const record = recordOf(active);
    const variants = experiments.any ? experiments.labelValues(record?.experiments) : [];
    for (const [counter, labels, amount] of counters) counter?.inc([...labels, ...variants], amount);
    logger.info({ event: eventName, ...fields }, message);
    trace.getSpan(active)?.addEvent(eventName, fields);
  }

  return {
    orderPlaced: safeCall('commerce.orderPlaced', (e: OrderPlaced) => {
      const currency = currencyLabel(e.currency);
      const fields: Attributes = { order_id: e.orderId, amount: e.amount, currency: e.currency };
      if (e.items !== undefined) fields.items = e.items;
      emit('order.placed', 'order placed', fields, [
        [metrics?.orders, [currency], 1],
        [metrics?.revenue, [currency], Number.isFinite(e.amount) && e.amount > 0 ? e.amount : 0],
      ]);
    }),
    paymentFailed: safeCall('commerce.paymentFailed', (e: PaymentFailed) => {
      const fields: Attributes = { reason: e.reason };
      if (e.orderId !== undefined) fields.order_id = e.orderId;
      if (e.amount !== undefined) fields.amount = e.amount;
      if (e.currency !== undefined) fields.currency = e.currency;
      emit('payment.failed', 'payment failed', fields, [[metrics?.paymentFailures, [e.reason], 1]]);
    }),
    cartUpdated: safeCall('commerce.cartUpdated', (e: CartUpdated) => {
      const fields: Attributes = { action: e.action };
      if (e.cartId !== undefined) fields.cart_id = e.cartId;
      if (e.sku !== undefined) fields.sku = e.sku;
      if (e.quantity !== undefined) fields.quantity = e.quantity;
      emit('cart.updated', 'cart updated', fields, [[metrics?.cartUpdates, [e.action], 1]]);
    }),
    checkoutStep: safeCall('commerce.checkoutStep', (e: CheckoutStep) => {
      const fields: Attributes = { step: e.step };
      if (e.orderId !== undefined) fields.order_id = e.orderId;
      emit('checkout.step', `checkout step ${e.step}`, fields, [[metrics?.checkoutSteps, [e.step], 1]]);
    }),
  };
}
