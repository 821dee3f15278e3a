import type { Db } from '../shared/db.ts';
import { ShopError } from '../shared/errors.ts';
import type { ServiceClient } from '../shared/service-client.ts';
import { settleOrder, type OrderRow } from './schema.ts';

export interface SagaClients {
  inventory: ServiceClient;
  payments: ServiceClient;
  cart: ServiceClient;
}

/**
 * The steps that finish a checkout, shared by the request path and the recovery sweep so
 * that both end an order the same way: confirmed with its stock committed and its cart
 * closed, or failed with its stock released and no live charge.
 */
export async function confirmOrder(db: Db, clients: SagaClients, order: Pick<OrderRow, 'id' | 'cart_id'>): Promise<void> {
  await clients.inventory.post(`/reservations/${encodeURIComponent(order.id)}/commit`, {});
  await settleOrder(db, order.id, 'confirmed', null);
  // The order stands even if the cart service is briefly away; the sweep retries nothing here
  // because a checked-out cart only guards against a second checkout of the same cart.
  await clients.cart.post(`/carts/${encodeURIComponent(order.cart_id)}/checkout`, {}).catch(() => undefined);
}

export async function failOrder(
  db: Db,
  clients: SagaClients,
  order: Pick<OrderRow, 'id'>,
  status: 'payment_failed' | 'failed',
  failureCode: string,
): Promise<void> {
  await clients.inventory.post(`/reservations/${encodeURIComponent(order.id)}/release`, {});
  await settleOrder(db, order.id, status, failureCode);
}

/** Asks payments what happened to an order's charge: undefined when there is none. */
export async function chargeStatus(clients: SagaClients, orderId: string): Promise<string | undefined> {
  try {
    const charge = await clients.payments.get<{ status: string }>(`/charges/${encodeURIComponent(orderId)}`);
    return charge.status;
  } catch (err) {
    if (err instanceof ShopError && err.code === 'not_found') return undefined;
    throw err;
  }
}
