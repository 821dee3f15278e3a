import luhn from 'fast-luhn';
import { CARD_LABEL } from './labels.ts';

// Payment card numbers (PANs): 13–19 digits, Luhn-valid, first digit 2–9, written as one run
// or in groups joined by spaces, double spaces, dashes or dots (`4111 1111 1111 1111`,
// `3782-822463-10005`, `4111.1111.1111.1111`), in text or as a JSON number.
//
// A first digit of 0 or 1 is left alone: no card brand issues those (1 is the airlines' UATP
// range), and it keeps epoch timestamps in milliseconds, microseconds and nanoseconds (13, 16
// and 19 digits, all starting with 1 until 2033) from being taken for cards.
//
// Linear time: one regular expression finds each group of digit runs (it starts only where no
// digit precedes and never backtracks more than two separator characters), and a group of m
// runs is checked in O(m) windows of at most 19 digits each.

/** A digit run of 3+ not preceded by a digit, then runs joined by one or two separators. */
const GROUP = /(?<!\d)\d{3,}(?:[ .-]{1,2}\d+)*/g;
/** Cheap pre-check: a card is 13 digits in a row or at least two groups of 3+ digits. */
const HINT = /\d{13}|\d{3}[ .-]{1,2}\d{3}/;
const MIN_DIGITS = 13;
const MAX_DIGITS = 19;
/** Card groups are 3 to 8 digits (4-4-4-4, 4-6-5, 4-6-4, 4-4-4-4-3, 8-8, …). */
const MIN_GROUP = 3;
const MAX_GROUP = 8;

/** The Luhn checksum every card scheme uses (a digit string; anything else is not valid). */
export const luhnValid: (digits: string) => boolean = luhn;

/** 13–19 digits, first digit 2–9, Luhn-valid. */
export function isPan(digits: string): boolean {
  if (digits.length < MIN_DIGITS || digits.length > MAX_DIGITS) return false;
  const first = digits.charCodeAt(0);
  return first >= 50 && first <= 57 && luhnValid(digits);
}

/** A number or bigint field value that is a card number (what JSON.stringify would print). */
export function isPanNumber(value: number | bigint): boolean {
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 1e12 || value >= 1e19) return false;
  } else if (value < 1_000_000_000_000n || value >= 10_000_000_000_000_000_000n) return false;
  return isPan(String(value));
}

/** Letters, `_`, and `]` (the end of a redaction label): what glues a digit run to an identifier. */
const isLetter = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 93;
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isHex = (c: number): boolean => isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);

/** Replaces card numbers in `text`; returns `text` itself when there are none. */
export function redactCards(text: string): string {
  if (!HINT.test(text)) return text;
  return text.replace(GROUP, (group: string, offset: number) => redactGroup(text, group, offset));
}

/** Where each digit run of the group currently checked starts and ends (reused: no allocation per group). */
let runStarts = new Int32Array(64);
let runEnds = new Int32Array(64);

function redactGroup(text: string, group: string, offset: number): string {
  let count = 0;
  for (let i = 0; i < group.length;) {
    while (i < group.length && !isDigit(group.charCodeAt(i))) i++;
    if (count === runStarts.length) {
      const grownStarts = new Int32Array(count * 2);
      const grownEnds = new Int32Array(count * 2);
      grownStarts.set(runStarts);
      grownEnds.set(runEnds);
      runStarts = grownStarts;
      runEnds = grownEnds;
    }
    runStarts[count] = i;
    while (i < group.length && isDigit(group.charCodeAt(i))) i++;
    runEnds[count] = i;
    count++;
  }
  // A run glued to letters is part of an identifier (`ord_4111…`, hex ids); percent-encoding
  // (`%3D4111…`) does not glue. A run right after `<digit>.` is a decimal fraction.
  const prev = offset > 0 ? text.charCodeAt(offset - 1) : 0;
  const gluedBefore =
    (isLetter(prev) && !(offset >= 3 && text.charCodeAt(offset - 3) === 37 && isHex(text.charCodeAt(offset - 2)) && isHex(prev))) ||
    ((prev === 46 || prev === 44) && offset >= 2 && isDigit(text.charCodeAt(offset - 2)));
  const after = offset + group.length < text.length ? text.charCodeAt(offset + group.length) : 0;
  const firstUsable = gluedBefore ? 1 : 0;
  const lastUsable = isLetter(after) ? count - 2 : count - 1;

  let out = '';
  let copied = 0;
  let k = firstUsable;
  while (k <= lastUsable) {
    const end = longestCard(group, count, k, lastUsable);
    if (end < 0) {
      k++;
      continue;
    }
    out += group.slice(copied, runStarts[k]) + CARD_LABEL;
    copied = runEnds[end]!;
    k = end + 1;
  }
  return copied === 0 ? group : out + group.slice(copied);
}

/**
 * Luhn over a window that grows run by run, without building its digit string: two running
 * sums, one doubling the digits at even positions from the left and one at odd positions; the
 * window's length picks which one is the checksum (the rightmost digit is never doubled).
 */
function longestCard(group: string, count: number, k: number, lastUsable: number): number {
  const firstLength = runEnds[k]! - runStarts[k]!;
  const firstDigit = group.charCodeAt(runStarts[k]!);
  // No card starts with 0 or 1 (see above).
  if (firstDigit < 50) return -1;
  // A lone run right after a `.` separator is a decimal fraction, not a card.
  const alone =
    firstLength >= MIN_DIGITS &&
    firstLength <= MAX_DIGITS &&
    !(k > 0 && group.charCodeAt(runStarts[k]! - 1) === 46 && runStarts[k]! - runEnds[k - 1]! === 1);
  if (!alone && (firstLength < MIN_GROUP || firstLength > MAX_GROUP)) return -1;
  let found = -1;
  let length = 0;
  let evenDoubled = 0;
  let oddDoubled = 0;
  for (let j = k; j <= lastUsable; j++) {
    const runLength = runEnds[j]! - runStarts[j]!;
    if (j > k && (runLength < MIN_GROUP || runLength > MAX_GROUP || firstLength > MAX_GROUP)) break;
    if (length + runLength > MAX_DIGITS) break;
    for (let i = runStarts[j]!; i < runEnds[j]!; i++) {
      const d = group.charCodeAt(i) - 48;
      const doubled = d > 4 ? d * 2 - 9 : d * 2;
      if ((length & 1) === 0) {
        evenDoubled += doubled;
        oddDoubled += d;
      } else {
        evenDoubled += d;
        oddDoubled += doubled;
      }
      length++;
    }
    if (length >= MIN_DIGITS && (j > k || alone) && ((length & 1) === 0 ? evenDoubled : oddDoubled) % 10 === 0) found = j;
  }
  return found;
}
