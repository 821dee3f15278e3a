import type { Db } from '../shared/db.ts';
import type { OrderRow } from './schema.ts';
import { chargeStatus, confirmOrder, failOrder, type SagaClients } from './saga.ts';

export interface RecoveryOptions {
  db: Db;
  clients: SagaClients;
  /** Orders being processed right now by this process. */
  inFlight: ReadonlySet<string>;
  /** A pending order untouched for this long was abandoned (a crash, a lost reply). */
  staleAfterMs: number;
  intervalMs: number;
}

/**
 * Finishes checkouts that a crash or an outage left pending, by asking payments what really
 * happened: an approved charge confirms the order, anything else voids the charge and
 * releases the stock. Every step is idempotent, so a sweep cut short is simply run again.
 */
export async function recoverPendingOrders(options: RecoveryOptions): Promise<number> {
  const { db, clients } = options;
  const stale = await db.all<OrderRow>(
    "SELECT * FROM orders_orders WHERE status = 'pending' AND updated_at < ? ORDER BY created_at LIMIT 100",
    [Date.now() - options.staleAfterMs],
  );
  let settled = 0;
  for (const order of stale) {
    if (options.inFlight.has(order.id)) continue;
    try {
      const status = await chargeStatus(clients, order.id);
      if (status === 'processing') continue;
      if (status === 'approved') {
        await confirmOrder(db, clients, order);
      } else {
        await clients.payments.post(`/charges/${encodeURIComponent(order.id)}/void`, {});
        await failOrder(db, clients, order, 'payment_failed', 'interrupted');
      }
      settled++;
    } catch {
      // a service is still away: the next sweep tries again
    }
  }
  return settled;
}

export function startRecovery(options: RecoveryOptions): () => void {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      await recoverPendingOrders(options);
    } catch {
      // database away: next tick
    } finally {
      running = false;
    }
  };
  void tick();
  const timer = setInterval(() => void tick(), options.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
