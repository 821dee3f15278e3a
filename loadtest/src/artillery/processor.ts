// Artillery's processor (bundled by Artillery itself): realistic data for each shopper, and the
// checks. A step that answers 5xx, or not what its journey expects, fails the journey; the
// counters journey.<name>.started / .failed give the SLO's error ratio per journey.

interface Context {
  vars: Record<string, unknown>;
  scenario?: { name?: string };
}
interface Events {
  emit(kind: 'counter', name: string, value: number): void;
}
type Done = (err?: Error) => void;

const words = ['kettle', 'tent', 'lamp', 'puzzle', 'socks', 'novel', 'eco', 'nordic', 'mug', 'chair', 'oak', 'wool'];
const approvedCards = ['4242424242424242', '5555555555554444'];
const declinedCards = ['4000000000000002', '4000000000009995'];
const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)]!;

function journeyOf(context: Context): string {
  return String(context.vars.$journey ?? context.scenario?.name ?? 'unknown');
}

export function startJourney(context: Context, events: Events, done: Done): void {
  const journey = context.scenario?.name ?? 'unknown';
  const id = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  Object.assign(context.vars, {
    $journey: journey,
    offset: 12 * Math.floor(Math.random() * 16),
    pick: Math.floor(Math.random() * 12),
    word: pick(words),
    email: `shopper.${id}@example.com`,
    idempotencyKey: `load-${id}`,
    approvedCard: pick(approvedCards),
    declinedCard: pick(declinedCards),
    cvv: String(100 + Math.floor(Math.random() * 900)),
  });
  events.emit('counter', `journey.${journey}.started`, 1);
  // Emitted as 0 so the ratio's numerator exists even when nothing failed.
  events.emit('counter', `journey.${journey}.failed`, 0);
  done();
}

export function endJourney(context: Context, events: Events, done: Done): void {
  if (!context.vars.$failed) events.emit('counter', `journey.${journeyOf(context)}.succeeded`, 1);
  done();
}

/** What each step must answer; a checkout's body must also say how the payment went. */
function stepProblem(step: string, status: number, body: string): string | undefined {
  if (status >= 500) return `${status}`;
  if (step.startsWith('checkout.')) {
    // Out of stock is the shop answering correctly, not a failure of the shop.
    if (status === 409 && body.includes('out_of_stock')) return undefined;
    if (status !== 201) return `${status}`;
    const expected = step === 'checkout.pay_approved' ? '"confirmed"' : '"payment_failed"';
    return body.includes(expected) ? undefined : `body without ${expected}`;
  }
  return status === 200 || status === 201 ? undefined : `${status}`;
}

export function checkStep(
  request: { name?: string },
  response: { statusCode: number; body?: unknown },
  context: Context,
  events: Events,
  next: Done,
): void {
  const step = request.name ?? 'unnamed';
  const body = typeof response.body === 'string' ? response.body : JSON.stringify(response.body ?? '');
  const problem = stepProblem(step, response.statusCode, body);
  if (problem) {
    events.emit('counter', `step.${step}.failed`, 1);
    if (!context.vars.$failed) {
      context.vars.$failed = true;
      events.emit('counter', `journey.${journeyOf(context)}.failed`, 1);
    }
  }
  next();
}
