import { z } from 'zod';

/**
 * The order events, one topic for all of them (`shop.orders`), keyed by order id so one
 * order's events stay in order on one partition. The type is in the payload and in a
 * `event-type` header (a consumer can skip what it does not handle without parsing).
 */
export const ORDER_EVENTS_TOPIC = 'shop.orders';
export const EVENT_TYPE_HEADER = 'event-type';

export const orderEventTypes = ['order.placed', 'order.paid', 'order.cancelled'] as const;
export type OrderEventType = (typeof orderEventTypes)[number];

export const orderEventSchema = z
  .object({
    /** A uuid: the idempotency key of every consumer. */
    eventId: z.string().uuid(),
    type: z.enum(orderEventTypes),
    orderId: z.string().min(1).max(100),
    totalCents: z.number().int().min(0),
    currency: z.string().length(3),
    /** Where the receipt goes. */
    email: z.string().max(320),
    /** ISO 8601, when the order's state changed (not when the event was published). */
    occurredAt: z.string().datetime(),
  })
  .strict();

export type OrderEvent = z.infer<typeof orderEventSchema>;

/** One clear error for a payload that is not an order event, never a crash of the consumer. */
export function parseOrderEvent(raw: string | Buffer | null): OrderEvent | Error {
  if (raw === null) return new Error('empty message');
  let json: unknown;
  try {
    json = JSON.parse(raw.toString());
  } catch {
    return new Error('not JSON');
  }
  const parsed = orderEventSchema.safeParse(json);
  return parsed.success ? parsed.data : new Error(`not an order event: ${z.prettifyError(parsed.error)}`);
}
