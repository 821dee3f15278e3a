import { z } from 'zod';
import type { FastifyPluginAsync } from 'fastify';
import type { Db } from '../shared/db.ts';
import { ShopError } from '../shared/errors.ts';
import { parseInput } from '../shared/validation.ts';
import type { RunningConsumer } from './consumer.ts';
import type { MailRow, ShipmentRow } from './schema.ts';

// fulfilment's read-only routes: a shipment, the receipts the fake mail sink holds, what the
// service has consumed (and, while it runs, its consumer's state and lag).

export interface FulfilmentRouteOptions {
  db: Db;
  consumer: RunningConsumer | undefined;
}

const orderParams = z.object({ orderId: z.string().min(1).max(100) });
const mailQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }).strict();

export const fulfilmentRoutes: FastifyPluginAsync<FulfilmentRouteOptions> = async (app, { db, consumer }) => {
  app.get('/shipments/:orderId', async (request) => {
    const { orderId } = parseInput(orderParams, request.params, 'path');
    const shipment = await db.get<ShipmentRow>('SELECT * FROM fulfilment_shipments WHERE order_id = ?', [orderId]);
    if (!shipment) throw new ShopError('not_found', `no shipment for order ${orderId}`);
    return {
      orderId: shipment.order_id,
      status: shipment.status,
      total: { amountCents: Number(shipment.total_cents), currency: shipment.currency },
      reservedAt: new Date(Number(shipment.reserved_at)).toISOString(),
    };
  });

  app.get('/mail', async (request) => {
    const { limit } = parseInput(mailQuery, request.query, 'query');
    const rows = await db.all<MailRow>('SELECT * FROM fulfilment_mail ORDER BY sent_at DESC, id LIMIT ?', [limit]);
    const total = await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM fulfilment_mail');
    return {
      total: Number(total?.n ?? 0),
      mail: rows.map((m) => ({
        orderId: m.order_id,
        to: m.recipient,
        subject: m.subject,
        body: m.body,
        sentAt: new Date(Number(m.sent_at)).toISOString(),
      })),
    };
  });

  /** What was consumed, by event type (each event id once), and the consumer's live state. */
  app.get('/events', async () => {
    const rows = await db.all<{ event_type: string; n: number }>(
      'SELECT event_type, COUNT(*) AS n FROM fulfilment_processed_events GROUP BY event_type ORDER BY event_type',
    );
    return { processed: Object.fromEntries(rows.map((r) => [r.event_type, Number(r.n)])), consumer: consumer?.state() ?? null };
  });
};
