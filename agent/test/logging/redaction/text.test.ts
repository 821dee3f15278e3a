import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRedactor, redactString } from '../../../src/logging/redact.ts';

// Every text rule runs in linear time: a log field of 64 KB built to make a backtracking
// pattern stall (the earlier e-mail and secret-pair patterns took seconds on 40 KB) is redacted
// well within the bound below. The bound is generous on purpose (the benchmark,
// bench/agent-redaction.ts, measures the real figures: a few milliseconds); quadratic code
// misses it by an order of magnitude.

const BOUND_MS = 200;
const SIZE = 64 * 1024;

const fill = (unit: string, size = SIZE): string => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);

const adversarial: Record<string, string> = {
  'a run ending in @': `${fill('a', SIZE - 1)}@`,
  'a run, @, a run (no TLD)': `${fill('a', SIZE / 2)}@${fill('a', SIZE / 2)}`,
  'x@ then a. labels without a TLD': `x@${fill('a.', SIZE - 2)}`,
  'a@ repeated': fill('a@'),
  '@@@': fill('@'),
  'a%40 repeated': fill('a%40'),
  'key= repeated': fill('key='),
  'password= repeated': fill('password='),
  'password then spaces': `password${fill(' ', SIZE - 9)}x`,
  'token=" never closed': fill('token="a '),
  'escaped quotes': `password="${fill('\\"', SIZE - 10)}`,
  'digits with single separators': fill('1 '),
  'four-digit groups': fill('4111 '),
  'digit groups with dashes': fill('1234-'),
  'one digit run': fill('7'),
  base64ish: Buffer.from(Array.from({ length: SIZE }, (_, i) => (i * 7919 + (i >> 3)) % 256))
    .toString('base64')
    .slice(0, SIZE),
  'eyJ- repeated': fill('eyJ-'),
  'JWT-like segments': fill('eyJaaaaaa.'),
  'Bearer repeated': fill('Bearer '),
  'cvv then blanks': fill('cvv     '),
  'scheme:// repeated': fill('a://a:'),
  'userinfo without @': `https://u:${fill('p', SIZE - 10)}`,
  colons: fill(':'),
  'cookie header then blanks': `Cookie${fill(' ', SIZE - 7)}:`,
};

describe('linear-time redaction', () => {
  const redact = createRedactor(['customer.phone', 'address']);
  // warm the code up as a running agent would be
  for (const input of Object.values(adversarial)) redactString(input.slice(0, 2048));

  it.each(Object.entries(adversarial))('redacts a 64 KB field of "%s" well under a second', (_name, input) => {
    expect(input.length).toBeGreaterThanOrEqual(SIZE - 16);
    let started = performance.now();
    const text = redactString(input);
    const textMs = performance.now() - started;
    started = performance.now();
    const fields = redact({ msg: input, nested: { note: input } }) as { nested: { note: string } };
    const fieldsMs = performance.now() - started;
    expect(typeof text).toBe('string');
    expect(fields.nested.note).toBe(text);
    expect(textMs).toBeLessThan(BOUND_MS);
    expect(fieldsMs).toBeLessThan(BOUND_MS * 2);
  });
});

// Random texts built from the fragments the rules look for (and their near misses).
const fragments = fc.constantFrom(
  ' ',
  '  ',
  '=',
  ':',
  '"',
  "'",
  '&',
  '?',
  '@',
  '%40',
  '.',
  '-',
  '_',
  '\\',
  '\n',
  'a',
  'Z',
  '7',
  '123',
  '4111',
  '1111',
  'eyJ',
  'xoxb-',
  'sk_live_',
  'AKIA',
  'ghp_',
  'Bearer ',
  'Basic ',
  'Token ',
  'cvv',
  'password',
  'token',
  'api_key',
  'Cookie',
  'https://',
  'user:',
  'example.com',
  'jane',
  '[REDACTED]',
);
const texts = fc.array(fragments, { maxLength: 40 }).map((parts) => parts.join(''));

describe('redaction properties', () => {
  it('is idempotent: redacting redacted text changes nothing', () => {
    fc.assert(
      fc.property(texts, (text) => {
        const once = redactString(text);
        expect(redactString(once)).toBe(once);
      }),
      { numRuns: 2000 },
    );
  });

  it('never leaves a card number standing apart in the text', () => {
    const cards = fc.constantFrom(
      '4111111111111111',
      '4111 1111 1111 1111',
      '4111-1111-1111-1111',
      '4111.1111.1111.1111',
      '5500  0055  5555  5559',
      '378282246310005',
    );
    fc.assert(
      fc.property(texts, cards, texts, (before, card, after) => {
        const out = redactString(`${before} ${card} ${after}`);
        expect(out).not.toContain(card);
      }),
      { numRuns: 2000 },
    );
  });

  it('never leaves a password in a query string or a key=value pair', () => {
    const secrets = fc.stringMatching(/^[A-Za-z0-9%._~-]{1,24}$/);
    const keys = fc.constantFrom(
      'password',
      'passwd',
      'token',
      'access_token',
      'api_key',
      'apiKey',
      'x-api-key',
      'client_secret',
      'secret',
      'sig',
    );
    fc.assert(
      fc.property(texts, keys, secrets, (before, key, secret) => {
        const out = redactString(`${before} /cb?${key}=${secret}&page=2`);
        expect(out).not.toContain(`=${secret}&page=2`);
      }),
      { numRuns: 2000 },
    );
  });
});
