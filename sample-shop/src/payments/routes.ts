import { z } from 'zod';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Db } from '../shared/db.ts';
import type { FlagStore } from '../shared/flags.ts';
import { ShopError, errorBody } from '../shared/errors.ts';
import { parseInput } from '../shared/validation.ts';
import { sleep } from '../shared/sleep.ts';
import { isExpiryValid, isLuhnValid, last4 } from '../shared/card.ts';
import { currency } from '../shared/money.ts';
import { providerOutcome } from './provider.ts';
import { telemetry } from '../shared/telemetry.ts';

// The payments HTTP routes, one fastify plugin: a charge, its state, and its void.

/** The provider's side of a charge: its latency and its answer (the `payments.charge` span). */
const askProvider = telemetry.traced('payments.charge', async (cardNumber: string, latencyMs: number, failureRate: number) => {
  if (latencyMs > 0) await sleep(latencyMs);
  return providerOutcome(cardNumber, failureRate);
});

export interface PaymentsRouteOptions {
  db: Db;
  flags: FlagStore;
}

type ChargeStatus = 'processing' | 'approved' | 'declined' | 'failed' | 'voided';

interface ChargeRow {
  order_id: string;
  amount_cents: number;
  currency: string;
  card_last4: string;
  status: ChargeStatus;
  failure_code: string | null;
  created_at: number;
  updated_at: number;
}

const chargeBody = z
  .object({
    orderId: z.string().min(1).max(100),
    amountCents: z.number().int().min(1).max(100_000_000),
    currency: z.literal(currency),
    card: z
      .object({
        number: z.string().refine(isLuhnValid, 'is not a valid card number'),
        expiry: z.string().refine((e) => isExpiryValid(e), 'is not a valid, unexpired MM/YY date'),
        cvv: z.string().regex(/^\d{3,4}$/, 'must be 3 or 4 digits'),
      })
      .strict(),
  })
  .strict();

const orderParams = z.object({ orderId: z.string().min(1).max(100) });

/** A time range in epoch milliseconds, `from` included, `to` not. */
const summaryQuery = z
  .object({ from: z.coerce.number().int().min(0), to: z.coerce.number().int().min(0) })
  .strict()
  .refine((q) => q.to > q.from, 'to must be after from');

function present(row: ChargeRow) {
  return {
    orderId: row.order_id,
    amountCents: row.amount_cents,
    currency: row.currency,
    cardLast4: row.card_last4,
    status: row.status,
    failureCode: row.failure_code,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

/** approved → 201; declined → 402 card_declined; provider failure → 502; voided → 409. */
function answer(reply: FastifyReply, row: ChargeRow) {
  const charge = present(row);
  switch (row.status) {
    case 'approved':
      return reply.status(201).send(charge);
    case 'declined':
      return reply.status(402).send(errorBody('card_declined', `card declined (${row.failure_code})`, charge));
    case 'failed':
      return reply.status(502).send(errorBody('payment_provider_error', `payment provider failed (${row.failure_code})`, charge));
    case 'voided':
      return reply.status(409).send(errorBody('reservation_conflict', 'charge was voided', charge));
    default:
      return reply.status(409).send(errorBody('checkout_in_progress', 'charge is still processing', charge));
  }
}

export const paymentsRoutes: FastifyPluginAsync<PaymentsRouteOptions> = async (app, { db, flags }) => {
  const load = (orderId: string) => db.get<ChargeRow>('SELECT * FROM payments_charges WHERE order_id = ?', [orderId]);

  async function waitWhileProcessing(orderId: string, deadlineMs: number): Promise<ChargeRow | undefined> {
    const until = Date.now() + deadlineMs;
    for (;;) {
      const row = await load(orderId);
      if (!row || row.status !== 'processing' || Date.now() > until) return row;
      await sleep(50);
    }
  }

  // One charge per order, whatever the number of requests: the order id is the charge's key.
  app.post('/charges', async (request, reply) => {
    const body = parseInput(chargeBody, request.body, 'body');
    const now = Date.now();
    const inserted = await db.run(
      `INSERT INTO payments_charges (order_id, amount_cents, currency, card_last4, status, failure_code, created_at, updated_at)
       VALUES (?, ?, ?, ?, 'processing', NULL, ?, ?) ON CONFLICT (order_id) DO NOTHING`,
      [body.orderId, body.amountCents, body.currency, last4(body.card.number), now, now],
    );
    if (inserted === 0) {
      const existing = await waitWhileProcessing(body.orderId, 35_000);
      if (!existing) throw new ShopError('internal_error', 'charge vanished');
      return answer(reply, existing);
    }
    const { paymentLatencyMs, paymentFailureRate } = flags.get();
    const outcome = await askProvider(body.card.number, paymentLatencyMs, paymentFailureRate);
    // Only a charge still processing takes the outcome: one voided meanwhile stays voided.
    await db.run("UPDATE payments_charges SET status = ?, failure_code = ?, updated_at = ? WHERE order_id = ? AND status = 'processing'", [
      outcome.status,
      outcome.status === 'approved' ? null : outcome.reason,
      Date.now(),
      body.orderId,
    ]);
    const row = await load(body.orderId);
    if (!row) throw new ShopError('internal_error', 'charge vanished');
    return answer(reply, row);
  });

  // The settlement job's view of a day's payments: counts and sums by status and currency.
  app.get('/charges/summary', async (request) => {
    const { from, to } = parseInput(summaryQuery, request.query, 'query');
    const groups = await db.all<{ status: string; currency: string; count: number; amountCents: number }>(
      `SELECT status, currency, COUNT(*) AS count, SUM(amount_cents) AS "amountCents" FROM payments_charges
       WHERE created_at >= ? AND created_at < ? GROUP BY status, currency ORDER BY status, currency`,
      [from, to],
    );
    return { from, to, groups };
  });

  app.get('/charges/:orderId', async (request) => {
    const { orderId } = parseInput(orderParams, request.params, 'path');
    const row = await load(orderId);
    if (!row) throw new ShopError('not_found', `no charge for order ${orderId}`);
    return present(row);
  });

  /**
   * Cancels a charge (a refund if it was approved) or, if none exists yet, records a voided
   * one so that a charge request arriving late for this order is refused.
   */
  app.post('/charges/:orderId/void', async (request) => {
    const { orderId } = parseInput(orderParams, request.params, 'path');
    const now = Date.now();
    await db.run(
      `INSERT INTO payments_charges (order_id, amount_cents, currency, card_last4, status, failure_code, created_at, updated_at)
       VALUES (?, 0, ?, '', 'voided', 'voided_before_charge', ?, ?) ON CONFLICT (order_id) DO NOTHING`,
      [orderId, currency, now, now],
    );
    await db.run(
      "UPDATE payments_charges SET status = 'voided', updated_at = ? WHERE order_id = ? AND status IN ('processing', 'approved')",
      [now, orderId],
    );
    const row = await load(orderId);
    if (!row) throw new ShopError('internal_error', 'charge vanished');
    return present(row);
  });
};
