import { describe, expect, it } from 'vitest';
import { isExpiryValid, isLuhnValid } from '../../src/shared/card.ts';
import { providerOutcome } from '../../src/payments/provider.ts';

describe('card checks', () => {
  it('accepts Luhn-valid numbers and refuses the rest', () => {
    expect(isLuhnValid('4242424242424242')).toBe(true);
    expect(isLuhnValid('4000000000000002')).toBe(true);
    expect(isLuhnValid('5555555555554444')).toBe(true);
    expect(isLuhnValid('4242424242424241')).toBe(false);
    expect(isLuhnValid('4242')).toBe(false);
    expect(isLuhnValid('4242 4242 4242 4242')).toBe(false);
    expect(isLuhnValid('')).toBe(false);
  });

  it('accepts an unexpired MM/YY and refuses past or malformed dates', () => {
    const now = new Date(Date.UTC(2026, 10, 15));
    expect(isExpiryValid('11/26', now)).toBe(true);
    expect(isExpiryValid('10/26', now)).toBe(false);
    expect(isExpiryValid('13/30', now)).toBe(false);
    expect(isExpiryValid('00/30', now)).toBe(false);
    expect(isExpiryValid('1/30', now)).toBe(false);
  });

  it('follows the usual test cards', () => {
    expect(providerOutcome('4242424242424242', 0)).toEqual({ status: 'approved' });
    expect(providerOutcome('4000000000000002', 0)).toEqual({ status: 'declined', reason: 'card_declined' });
    expect(providerOutcome('5555555555554444', 0)).toEqual({ status: 'approved' });
    expect(providerOutcome('4242424242424242', 0.5, () => 0.4)).toEqual({ status: 'failed', reason: 'provider_error' });
    expect(providerOutcome('4242424242424242', 0.5, () => 0.6)).toEqual({ status: 'approved' });
  });
});
