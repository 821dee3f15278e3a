import { describe, expect, it } from 'vitest';
import { REDACTED, createRedactor, luhnValid, redactString } from '../../src/logging/redact.ts';

// The redaction corpus: strings and structures a shop really logs, with secrets hidden in the
// awkward places (nested, in arrays, inside sentences, URLs, JSON text, error messages and
// stacks, error causes), and look-alikes that must survive (order ids, phone numbers, Luhn-
// invalid digit runs).

const CARD = '[REDACTED:card]';
const EMAIL = '[REDACTED:email]';

describe('luhnValid', () => {
  it('accepts the well-known test card numbers and rejects their neighbours', () => {
    for (const n of ['4111111111111111', '5500005555555559', '378282246310005', '6011111111111117', '30569309025904', '4222222222222']) {
      expect(luhnValid(n)).toBe(true);
    }
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(luhnValid('1234567812345678')).toBe(false);
  });
});

const strings: Array<[string, string, string]> = [
  ['plain Visa', '4111111111111111', CARD],
  ['Visa with spaces', '4111 1111 1111 1111', CARD],
  ['Visa with dashes', '4111-1111-1111-1111', CARD],
  ['card inside a sentence', 'paid with 5500005555555559 today', `paid with ${CARD} today`],
  ['Amex, 15 digits', '378282246310005', CARD],
  ['Amex grouped 4-6-5', 'amex 3782 822463 10005 ok', `amex ${CARD} ok`],
  ['Diners, 14 digits', 'diners 30569309025904', `diners ${CARD}`],
  ['13-digit Visa', 'old visa 4222222222222', `old visa ${CARD}`],
  ['two cards in one line', '4111111111111111 then 6011111111111117', `${CARD} then ${CARD}`],
  ['card in JSON text', '{"pan":"4111111111111111"}', `{"pan":"${CARD}"}`],
  ['card in a query string', '/pay?card=4111111111111111&x=1', `/pay?card=${CARD}&x=1`],
  ['card after a colon', 'card:4111111111111111', `card:${CARD}`],
  ['Luhn-invalid 16 digits survive', 'ref 4111111111111112', 'ref 4111111111111112'],
  ['12-digit order id survives', 'order 123456789012 shipped', 'order 123456789012 shipped'],
  ['20-digit tracking number survives', 'track 12345678901234567890', 'track 12345678901234567890'],
  ['phone number survives', 'call +1 415 555 2671', 'call +1 415 555 2671'],
  ['e-mail', 'jane.doe@example.com', EMAIL],
  ['e-mail with plus tag and subdomain', 'to a+orders@mail.shop.co.uk now', `to ${EMAIL} now`],
  ['two e-mails', 'from x@y.io to z@w.org', `from ${EMAIL} to ${EMAIL}`],
  ['bearer token', 'Bearer abcDEF123.456-xyz', `Bearer ${REDACTED}`],
  ['basic credentials', 'Basic dXNlcjpwYXNzd29yZA==', `Basic ${REDACTED}`],
  ['JWT alone', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl', '[REDACTED:jwt]'],
  ['password=', 'login failed password=hunter2 for user', `login failed password=${REDACTED} for user`],
  ['pwd:', 'pwd: hunter2', `pwd: ${REDACTED}`],
  ['token in JSON text', '{"token":"abc123","ok":true}', `{"token":"${REDACTED}","ok":true}`],
  ['api_key in a URL', 'GET /v1?api_key=XYZ789&page=2', `GET /v1?api_key=${REDACTED}&page=2`],
  ['cvv=', 'cvv=123', `cvv=${REDACTED}`],
  ['Cookie header line', 'Cookie: sid=abc; theme=dark', `Cookie: ${REDACTED}`],
  ['Authorization header line', 'Authorization: Bearer abc.def.ghi', `Authorization: ${REDACTED}`],
  ['harmless text', 'hello world', 'hello world'],
  ['short number', 'Price 1234', 'Price 1234'],
  ['words containing key names', 'the passenger count is 4 and tokenizer is on', 'the passenger count is 4 and tokenizer is on'],
];

describe('redactString', () => {
  it.each(strings)('%s', (_name, input, expected) => {
    expect(redactString(input)).toBe(expected);
  });
});

describe('createRedactor on structures', () => {
  const redact = createRedactor();

  it('redacts secret keys whatever their value, at any depth and any case', () => {
    const out = redact({
      password: 'x',
      user: { name: 'Jo', Password: 'y', profile: { settings: { deeper: { secret: 's', keep: 1 } } } },
      headers: { authorization: 'Bearer t0ken12345', Cookie: 'sid=1', 'set-cookie': ['a=b'], 'x-api-key': 'k', accept: 'json' },
      payment: { cvv: '123', cvc: 456, card_number: '4111111111111111', cardNumber: 'x', expiry: '12/30' },
      apiKey: 'k',
      access_token: 'a',
      refresh_token: 'r',
      client_secret: 'c',
    });
    expect(out).toEqual({
      password: REDACTED,
      user: { name: 'Jo', Password: REDACTED, profile: { settings: { deeper: { secret: REDACTED, keep: 1 } } } },
      headers: { authorization: REDACTED, Cookie: REDACTED, 'set-cookie': REDACTED, 'x-api-key': REDACTED, accept: 'json' },
      payment: { cvv: REDACTED, cvc: REDACTED, card_number: REDACTED, cardNumber: REDACTED, expiry: '12/30' },
      apiKey: REDACTED,
      access_token: REDACTED,
      refresh_token: REDACTED,
      client_secret: REDACTED,
    });
  });

  it('scans strings inside arrays and arrays of objects', () => {
    expect(redact({ items: ['4111111111111111', 'ok'], people: [{ password: 'a' }, { email: 'x@y.io' }, 'mail me at q@r.st'] })).toEqual({
      items: [CARD, 'ok'],
      people: [{ password: REDACTED }, { email: EMAIL }, `mail me at ${EMAIL}`],
    });
  });

  it('turns errors into {type, message, stack} with secrets removed from message, stack, properties and cause', () => {
    const cause = new Error('upstream said password=abc');
    const error = Object.assign(new TypeError('charge 4111111111111111 failed for jane@example.com', { cause }), {
      token: 'tok',
      code: 'E_CHARGE',
    });
    const out = redact({ error }) as unknown as { error: Record<string, unknown> };
    expect(out.error.type).toBe('TypeError');
    expect(out.error.message).toBe(`charge ${CARD} failed for ${EMAIL}`);
    expect(out.error.stack).toContain(`charge ${CARD} failed for ${EMAIL}`);
    expect(out.error.stack).not.toContain('4111111111111111');
    expect(out.error.token).toBe(REDACTED);
    expect(out.error.code).toBe('E_CHARGE');
    expect((out.error.cause as Record<string, unknown>).message).toBe(`upstream said password=${REDACTED}`);
  });

  it('survives cycles, Maps, Dates, Buffers and numbers', () => {
    const loop: Record<string, unknown> = { name: 'loop', email: 'a@b.cd' };
    loop.self = loop;
    const when = new Date(0);
    const bytes = Buffer.from('4111111111111111');
    const out = redact({ loop, map: new Map([['password', 'p'], ['ok', 'fine']]), when, bytes, n: 4111111111111111, yes: true }) as Record<string, unknown>;
    expect((out.loop as Record<string, unknown>).self).toBe('[Circular]');
    expect((out.loop as Record<string, unknown>).email).toBe(EMAIL);
    expect(out.map).toEqual({ password: REDACTED, ok: 'fine' });
    expect(out.when).toBe(when);
    expect(out.bytes).toBe(bytes);
    expect(out.n).toBe(4111111111111111);
    expect(out.yes).toBe(true);
  });

  it('cuts structures deeper than 8 levels', () => {
    let deep: Record<string, unknown> = { password: 'bottom' };
    for (let i = 0; i < 12; i++) deep = { next: deep };
    expect(JSON.stringify(redact(deep))).not.toContain('bottom');
  });

  it('never mutates the caller’s object and returns the same object when nothing changed', () => {
    const input = { user: { password: 'x' }, note: 'card 4111111111111111' };
    const snapshot = structuredClone(input);
    redact(input);
    expect(input).toEqual(snapshot);
    const clean = { a: 1, b: { c: 'hello' }, list: ['x'] };
    expect(redact(clean)).toBe(clean);
  });

  it('keeps empty secret fields empty (nothing to hide, and the absence is useful)', () => {
    expect(redact({ password: '', token: null })).toEqual({ password: '', token: null });
  });

  it('adds SHOPSCOPE_REDACT key names (any depth) and dotted paths (from the root, * for one key)', () => {
    const custom = createRedactor(['address', 'customer.phone', '*.dob']);
    expect(
      custom({
        customer: { phone: '555-0100', name: 'Jo', address: '1 Main St' },
        shipping: { address: '2 Side St', phone: 'kept at this path' },
        patient: { dob: '1970-01-01' },
        dob: 'root-level kept',
      }),
    ).toEqual({
      customer: { phone: REDACTED, name: 'Jo', address: REDACTED },
      shipping: { address: REDACTED, phone: 'kept at this path' },
      patient: { dob: REDACTED },
      dob: 'root-level kept',
    });
  });
});
