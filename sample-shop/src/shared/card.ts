import luhn from 'fast-luhn';
/** 12 to 19 digits passing the Luhn checksum every card scheme uses. */
export function isLuhnValid(digits: string): boolean {
  return /^\d{12,19}$/.test(digits) && luhn(digits);
}

/** "MM/YY" not before the current month. */
export function isExpiryValid(expiry: string, now = new Date()): boolean {
  const match = /^(\d{2})\/(\d{2})$/.exec(expiry);
  if (!match) return false;
  const month = Number(match[1]);
  const year = 2000 + Number(match[2]);
  if (month < 1 || month > 12) return false;
  return year * 12 + month >= now.getUTCFullYear() * 12 + now.getUTCMonth() + 1;
}

export function last4(cardNumber: string): string {
  return cardNumber.slice(-4);
}
