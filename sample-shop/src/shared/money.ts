export const currency = 'EUR';

/** Prices are kept as integer cents; the API shows them in major units with two decimals. */
export function money(cents: number) {
  return { amount: Math.round(cents) / 100, currency };
}
