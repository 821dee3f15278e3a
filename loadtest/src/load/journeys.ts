// The shoppers' journeys, as Artillery scenarios: each journey and each step has a name (the
// per-step latency thresholds and the OTel spans use them), shoppers think between steps, and
// the data (products, words, emails, cards) comes from the processor (processor.ts).

type Step = Record<string, unknown>;

const think = (seconds: number): Step => ({ think: seconds });

const listProducts: Step = {
  get: {
    url: '/api/products?limit=12&offset={{ offset }}',
    name: 'browse.list',
    capture: [{ json: '$.items[{{ pick }}].id', as: 'productId' }],
  },
};

const newCart: Step[] = [
  { post: { url: '/api/carts', name: 'cart.create', capture: [{ json: '$.id', as: 'cartId' }] } },
  { post: { url: '/api/carts/{{ cartId }}/items', name: 'cart.add_item', json: { productId: '{{ productId }}', quantity: 1 } } },
];

const checkout = (card: 'approvedCard' | 'declinedCard', step: string): Step => ({
  post: {
    url: '/api/checkout',
    name: step,
    headers: { 'idempotency-key': '{{ idempotencyKey }}' },
    json: { cartId: '{{ cartId }}', email: '{{ email }}', payment: { cardNumber: `{{ ${card} }}`, expiry: '12/39', cvv: '{{ cvv }}' } },
  },
});

/** Journey name → weight (share of arriving shoppers) and its flow. */
export const journeys = {
  browse: {
    weight: 40,
    flow: [
      listProducts,
      think(2),
      { get: { url: '/api/products/{{ productId }}', name: 'browse.product' } },
      think(1),
      { get: { url: '/api/categories', name: 'browse.categories' } },
    ],
  },
  search: {
    weight: 25,
    flow: [
      { get: { url: '/api/products?q={{ word }}', name: 'search.query' } },
      think(2),
      { get: { url: '/api/products?q={{ word }}&limit=5', name: 'search.refine' } },
    ],
  },
  add_to_cart: {
    weight: 20,
    flow: [listProducts, think(1), ...newCart, think(1), { get: { url: '/api/carts/{{ cartId }}', name: 'cart.view' } }],
  },
  checkout_approved: {
    weight: 10,
    flow: [listProducts, think(1), ...newCart, think(2), checkout('approvedCard', 'checkout.pay_approved')],
  },
  checkout_declined: {
    weight: 5,
    flow: [listProducts, think(1), ...newCart, think(2), checkout('declinedCard', 'checkout.pay_declined')],
  },
} as const;

export type JourneyName = keyof typeof journeys;
export const journeyNames = Object.keys(journeys) as JourneyName[];

/** The scenarios of an Artillery script: every journey starts and ends in the processor. */
export function scenarios(weights: Partial<Record<JourneyName, number>> = {}): Record<string, unknown>[] {
  return journeyNames.map((name) => ({
    name,
    weight: weights[name] ?? journeys[name].weight,
    beforeScenario: 'startJourney',
    afterScenario: 'endJourney',
    afterResponse: 'checkStep',
    flow: journeys[name].flow,
  }));
}
