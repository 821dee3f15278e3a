/**
 * The fake card provider's answer for a card, following the usual test cards:
 * 4000000000000002 is declined, 4000000000000119 fails with a provider error,
 * 4000000000009995 is declined for insufficient funds; any other Luhn-valid number is approved.
 */
export type ProviderOutcome =
  | { status: 'approved' }
  | { status: 'declined'; reason: 'card_declined' | 'insufficient_funds' }
  | { status: 'failed'; reason: 'provider_error' };

const testCards: Record<string, ProviderOutcome> = {
  '4000000000000002': { status: 'declined', reason: 'card_declined' },
  '4000000000009995': { status: 'declined', reason: 'insufficient_funds' },
  '4000000000000119': { status: 'failed', reason: 'provider_error' },
};

export function providerOutcome(cardNumber: string, failureRate: number, random = Math.random): ProviderOutcome {
  if (failureRate > 0 && random() < failureRate) return { status: 'failed', reason: 'provider_error' };
  return testCards[cardNumber] ?? { status: 'approved' };
}
