import { z } from 'zod';
import { createHash, randomUUID } from 'node:crypto';
import type { Db } from '../shared/db.ts';
import { ShopError, errorCodes, type ErrorCode } from '../shared/errors.ts';
import { currency, money } from '../shared/money.ts';
import { isExpiryValid, isLuhnValid } from '../shared/card.ts';
import { sleep } from '../shared/sleep.ts';
import type { ServiceClient } from '../shared/service-client.ts';
import { productsByIds } from '../shared/catalog-lookup.ts';
import { loadOrder, loadOrderByKey, settleOrder, type OrderRow } from './schema.ts';
import { confirmOrder, failOrder, type SagaClients } from './saga.ts';
import { recordOrderEvent } from './outbox.ts';
import { telemetry } from '../shared/telemetry.ts';

export const checkoutBody = z
  .object({
    cartId: z.string().min(1).max(100),
    email: z.string().max(254).pipe(z.email('must be a valid email address')),
    payment: z
      .object({
        cardNumber: z
          .string()
          .max(40)
          .transform((s) => s.replace(/[\s-]/g, ''))
          .refine((s) => /^\d{12,19}$/.test(s), 'must be 12 to 19 digits')
          .refine(isLuhnValid, 'fails the Luhn check'),
        expiry: z.string().refine((e) => isExpiryValid(e), 'must be an unexpired MM/YY date'),
        cvv: z.string().regex(/^\d{3,4}$/, 'must be 3 or 4 digits'),
      })
      .strict(),
  })
  .strict();

export type CheckoutInput = z.infer<typeof checkoutBody>;

export const idempotencyKeySchema = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');

export interface CheckoutResult {
  orderId: string;
  status: 'confirmed' | 'payment_failed';
  total: { amount: number; currency: string };
  failureReason?: string;
}

export interface CheckoutDeps extends SagaClients {
  db: Db;
  catalog: ServiceClient;
  paymentTimeoutMs: number;
}

interface CartView {
  id: string;
  status: string;
  items: { productId: string; quantity: number }[];
}

interface CatalogProduct {
  id: string;
  name: string;
  price: { amount: number };
}

/** What a settled order answers, the same on the first request and on every replay. */
export function resultOf(order: OrderRow): CheckoutResult {
  if (order.status === 'confirmed') return { orderId: order.id, status: 'confirmed', total: money(order.total_cents) };
  if (order.status === 'payment_failed') {
    return {
      orderId: order.id,
      status: 'payment_failed',
      total: money(order.total_cents),
      failureReason: order.failure_code ?? 'payment_failed',
    };
  }
  if (order.status === 'failed') {
    const code: ErrorCode =
      order.failure_code && order.failure_code in errorCodes ? (order.failure_code as ErrorCode) : 'service_unavailable';
    throw new ShopError(code, `checkout failed: ${order.failure_code ?? 'unknown'}`, { orderId: order.id });
  }
  throw new ShopError('checkout_in_progress', 'this checkout is still being processed; retry shortly', { orderId: order.id });
}

function requestHash(input: CheckoutInput): string {
  return createHash('sha256')
    .update(JSON.stringify([input.cartId, input.email.toLowerCase(), input.payment.cardNumber.slice(-4), input.payment.expiry]))
    .digest('hex');
}

/** A cart line with the catalog's name and price at the time of the checkout. */
interface PricedLine {
  productId: string;
  quantity: number;
  name: string;
  unitCents: number;
}

interface PricedCart {
  lines: PricedLine[];
  totalCents: number;
}

/** How a charge ended: approved, or not with the reason the order records. */
type ChargeOutcome = { approved: true } | { approved: false; failureCode: string };

export class Checkout {
  /** Orders this process is working on; the recovery sweep leaves them alone. */
  readonly inFlight = new Set<string>();

  constructor(private readonly deps: CheckoutDeps) {
    this.run = telemetry.traced('orders.checkout', this.run.bind(this));
  }

  async run(input: CheckoutInput, idempotencyKey: string | undefined): Promise<CheckoutResult> {
    const hash = requestHash(input);
    const earlier = idempotencyKey ? await loadOrderByKey(this.deps.db, idempotencyKey) : undefined;
    if (earlier) return this.replay(earlier, hash);
    const cart = await this.priceCart(input.cartId);
    telemetry.checkoutStep({ step: 'cart_priced' });
    const orderId = `o-${randomUUID()}`;
    this.inFlight.add(orderId);
    try {
      const created = await this.createOrder(orderId, input, idempotencyKey, hash, cart);
      if (!created) return await this.answerRefused(input.cartId, idempotencyKey, hash);
      return await this.process(orderId, input, cart);
    } finally {
      this.inFlight.delete(orderId);
    }
  }

  /** The open cart's lines with the catalog's names and prices, and their total. */
  private async priceCart(cartId: string): Promise<PricedCart> {
    const cart = await this.deps.cart.get<CartView>(`/carts/${encodeURIComponent(cartId)}`);
    if (cart.status !== 'open') throw new ShopError('cart_closed', `cart ${cartId} is already checked out`);
    if (cart.items.length === 0) throw new ShopError('cart_empty', 'the cart is empty');
    const products = await productsByIds<CatalogProduct>(
      this.deps.catalog,
      cart.items.map((i) => i.productId),
    );
    const lines = cart.items.map((item) => {
      const product = products.get(item.productId);
      if (!product) throw new ShopError('product_not_found', `product ${item.productId} is no longer sold`);
      return { ...item, name: product.name, unitCents: Math.round(product.price.amount * 100) };
    });
    return { lines, totalCents: lines.reduce((sum, l) => sum + l.unitCents * l.quantity, 0) };
  }

  /** Inserts the pending order and its lines; false (nothing inserted) when the key was used already or the cart has a live order. */
  private async createOrder(
    orderId: string,
    input: CheckoutInput,
    idempotencyKey: string | undefined,
    hash: string,
    cart: PricedCart,
  ): Promise<boolean> {
    const now = Date.now();
    return this.deps.db.transaction(async (tx) => {
      const inserted = await tx.run(
        `INSERT INTO orders_orders (id, idempotency_key, request_hash, cart_id, email, status, failure_code, total_cents, currency, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, 'pending', NULL, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
        [orderId, idempotencyKey ?? null, hash, input.cartId, input.email, cart.totalCents, currency, now, now],
      );
      if (inserted === 0) return false;
      for (const line of cart.lines) {
        await tx.run('INSERT INTO orders_items (order_id, product_id, name, quantity, unit_price_cents) VALUES (?, ?, ?, ?, ?)', [
          orderId,
          line.productId,
          line.name,
          line.quantity,
          line.unitCents,
        ]);
      }
      await recordOrderEvent(tx, 'order.placed', { orderId, totalCents: cart.totalCents, currency, email: input.email });
      return true;
    });
  }

  /** The answer when the database refused the new order. */
  private async answerRefused(cartId: string, idempotencyKey: string | undefined, hash: string): Promise<CheckoutResult> {
    // Another request with the same key got there first: answer as it does.
    const existing = idempotencyKey ? await loadOrderByKey(this.deps.db, idempotencyKey) : undefined;
    if (existing) return this.replay(existing, hash);
    // Another checkout of this cart (another key) is under way or confirmed: one charge per cart.
    throw new ShopError('cart_checked_out', `cart ${cartId} is being checked out or was checked out already`);
  }

  private async replay(order: OrderRow, hash: string): Promise<CheckoutResult> {
    if (order.request_hash !== hash) {
      throw new ShopError('idempotency_key_reused', 'this Idempotency-Key was used for a different checkout');
    }
    let current: OrderRow | undefined = order;
    const until = Date.now() + this.deps.paymentTimeoutMs + 5000;
    while (current && current.status === 'pending' && Date.now() < until) {
      await sleep(100);
      current = await loadOrder(this.deps.db, order.id);
    }
    return resultOf(current ?? order);
  }

  /** Reserves the stock, charges the card, and settles the order on the charge's outcome. */
  private async process(orderId: string, input: CheckoutInput, cart: PricedCart): Promise<CheckoutResult> {
    const { db } = this.deps;
    const settled = { id: orderId, totalCents: cart.totalCents, items: cart.lines.length };
    await this.reserveStock(orderId, cart.lines, settled);
    telemetry.checkoutStep({ step: 'stock_reserved', orderId });
    const outcome = await this.charge(orderId, input.payment, cart.totalCents);
    if (outcome.approved) {
      await confirmOrder(db, this.deps, { id: orderId, cart_id: input.cartId });
      reportSettled(settled, 'confirmed', null);
      return { orderId, status: 'confirmed', total: money(cart.totalCents) };
    }
    await failOrder(db, this.deps, { id: orderId }, 'payment_failed', outcome.failureCode);
    reportSettled(settled, 'payment_failed', outcome.failureCode);
    return { orderId, status: 'payment_failed', total: money(cart.totalCents), failureReason: outcome.failureCode };
  }

  /** Reserves the lines' stock; if inventory refuses or is away, the order fails and the error is rethrown. */
  private async reserveStock(orderId: string, lines: PricedLine[], settled: SettledOrder): Promise<void> {
    const { db } = this.deps;
    try {
      await this.deps.inventory.post('/reservations', {
        orderId,
        items: lines.map((l) => ({ productId: l.productId, quantity: l.quantity })),
      });
    } catch (err) {
      const code = err instanceof ShopError ? err.code : 'service_unavailable';
      // A reservation that timed out may still land: releasing leaves a tombstone against it.
      // Inventory unreachable: the order fails all the same, without its release (see README,
      // "Not finished": a reservation that lands after this stays reserved).
      await failOrder(db, this.deps, { id: orderId }, 'failed', code).catch(() => settleOrder(db, orderId, 'failed', code));
      reportSettled(settled, 'failed', code);
      throw err;
    }
  }

  /** Charges the card; a charge whose outcome is unknown (a timeout) is voided and counts as not approved. */
  private async charge(orderId: string, payment: CheckoutInput['payment'], totalCents: number): Promise<ChargeOutcome> {
    try {
      await this.deps.payments.post(
        '/charges',
        { orderId, amountCents: totalCents, currency, card: { number: payment.cardNumber, expiry: payment.expiry, cvv: payment.cvv } },
        { timeoutMs: this.deps.paymentTimeoutMs },
      );
      return { approved: true };
    } catch (err) {
      if (err instanceof ShopError && (err.code === 'card_declined' || err.code === 'payment_provider_error')) {
        return { approved: false, failureCode: err.code };
      }
    }
    await this.voidCharge(orderId);
    return { approved: false, failureCode: 'payment_timeout' };
  }

  /** The provider may still charge: void first, so that no charge survives a failed order. */
  private async voidCharge(orderId: string): Promise<void> {
    try {
      await this.deps.payments.post(`/charges/${encodeURIComponent(orderId)}/void`, {});
    } catch {
      throw new ShopError('service_unavailable', 'payment outcome unknown; the order will be settled shortly', { orderId });
    }
  }
}

interface SettledOrder {
  id: string;
  totalCents: number;
  items: number;
}

/** The business events of a settled checkout: counter, log event and span event together. */
function reportSettled(order: SettledOrder, status: Exclude<OrderRow['status'], 'pending'>, failureCode: string | null): void {
  const amount = order.totalCents / 100;
  if (status === 'confirmed') telemetry.orderPlaced({ orderId: order.id, amount, currency, items: order.items });
  else if (status === 'payment_failed')
    telemetry.paymentFailed({ orderId: order.id, reason: failureCode ?? 'payment_failed', amount, currency });
  telemetry.checkoutStep({ step: status, orderId: order.id });
}
