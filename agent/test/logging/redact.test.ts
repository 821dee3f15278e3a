import { describe, expect, it } from 'vitest';
import { REDACTED, createRedactor, luhnValid, redactString } from '../../src/logging/redact.ts';

// The redaction corpus: strings and structures a shop really logs, with secrets hidden in the
// awkward places (nested, in arrays, inside sentences, URLs, JSON text, error messages and
// stacks, error causes, toJSON values), and look-alikes that must survive (order ids, phone
// numbers, Luhn-invalid digit runs, timestamps, trace ids, prices, SKUs).

const CARD = '[REDACTED:card]';
const EMAIL = '[REDACTED:email]';
const TOKEN = '[REDACTED:token]';

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
  // cards with any separators, in JSON text, several in a row
  ['Visa with double spaces', '4111  1111  1111  1111', CARD],
  ['Visa with dots', '4111.1111.1111.1111', CARD],
  ['Mastercard 2-series', 'mc 2223 0000 4840 0011', `mc ${CARD}`],
  ['card followed by its CVV and expiry', 'card 4111 1111 1111 1111 123 12/30', `card ${CARD} 123 12/30`],
  ['card as a JSON number in text', '{"amount":4111111111111111}', `{"amount":${CARD}}`],
  ['two cards a space apart', '4111111111111111 5500005555555559', `${CARD} ${CARD}`],
  ['card after percent-encoded =', 'q=card%3D4111111111111111', `q=card%3D${CARD}`],
  ['card glued to an identifier survives', 'ord_4111111111111111', 'ord_4111111111111111'],
  ['epoch milliseconds survive', 'expires=1767225600000', 'expires=1767225600000'],
  ['float digits survive', 'took 0.30000000000000004 s', 'took 0.30000000000000004 s'],
  // security codes in free text
  ['cvv in text', 'cvv 123', `cvv ${REDACTED}`],
  ['CVC with colon', 'CVC: 1234', `CVC: ${REDACTED}`],
  ['CVV2=', 'CVV2=123', `CVV2=${REDACTED}`],
  ['security code in text', 'security code 123 given', `security code ${REDACTED} given`],
  ['five digits after cvv are not a cvv', 'cvv 12345', 'cvv 12345'],
  // token shapes
  ['Slack token', 'hook xoxb-1234567890-abcdefghij', `hook ${TOKEN}`],
  ['Stripe secret key', 'sk_live_4eC39HqLyjWDarjtT1zdp7dc', TOKEN],
  ['Stripe restricted key', 'rk_test_abcdefghij1234', TOKEN],
  ['AWS access key id', 'key AKIAIOSFODNN7EXAMPLE here', `key ${TOKEN} here`],
  ['AWS temporary key id', 'ASIAIOSFODNN7EXAMPLE', TOKEN],
  ['GitHub token', `gh ${'ghp_'}${'a1B2'.repeat(9)}`, `gh ${TOKEN}`],
  ['GitHub fine-grained token', 'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz', TOKEN],
  ['Bearer in a sentence', 'sent Bearer abc123def456 upstream', `sent Bearer ${REDACTED} upstream`],
  ['JWT after token=', 'token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl', 'token=[REDACTED:jwt]'],
  ['prose with scheme words survives', 'token expired; Basic plan; basic shipping', 'token expired; Basic plan; basic shipping'],
  // URLs
  [
    'secret-named query parameters',
    'https://shop.example/cb?token=abc&api_key=k1&password=p&secret=s&access_token=at&sig=xyz&page=2',
    `https://shop.example/cb?token=${REDACTED}&api_key=${REDACTED}&password=${REDACTED}&secret=${REDACTED}&access_token=${REDACTED}&sig=${REDACTED}&page=2`,
  ],
  ['password in URL userinfo', 'postgres://shop:s3cret@db.internal:5432/shop', `postgres://shop:${REDACTED}@db.internal:5432/shop`],
  ['userinfo password with a colon', 'https://user:pa:ss@example.com/x', `https://user:${REDACTED}@example.com/x`],
  ['URL-encoded e-mail', '/unsubscribe?email=jane.doe%40example.co.uk&x=1', `/unsubscribe?email=${EMAIL}&x=1`],
  // keys in text, more spellings
  ['Set-Cookie header line', 'Set-Cookie: sid=abc; Path=/', `Set-Cookie: ${REDACTED}`],
  ['x-api-key header', 'x-api-key: abc123', `x-api-key: ${REDACTED}`],
  ['client_secret=', 'client_secret=xyz&grant_type=client_credentials', `client_secret=${REDACTED}&grant_type=client_credentials`],
  ['apiKey in JS-ish text', 'apiKey: "k-123"', `apiKey: "${REDACTED}"`],
  ['dotted config key', 'db.password = hunter2', `db.password = ${REDACTED}`],
  ['SQL literal', "WHERE password = 'x y' AND email='a@b.co'", `WHERE password = '${REDACTED}' AND email='${EMAIL}'`],
  // ordinary data survives
  ['route template', 'GET /products/:id', 'GET /products/:id'],
  ['ISO timestamp', '2026-11-30T08:56:19.173Z', '2026-11-30T08:56:19.173Z'],
  ['traceparent', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'],
  ['stack frame in a file named token', 'at charge (/app/src/token.ts:12:5)', 'at charge (/app/src/token.ts:12:5)'],
  ['SKU and price', 'sku p-0007 qty 3 price 12.99', 'sku p-0007 qty 3 price 12.99'],
  ['address without a TLD', 'user@localhost', 'user@localhost'],
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
    const out = redact({
      loop,
      map: new Map([
        ['password', 'p'],
        ['ok', 'fine'],
      ]),
      when,
      bytes,
      n: 42.5,
      big: 12345678901234567890n,
      yes: true,
    }) as Record<string, unknown>;
    expect((out.loop as Record<string, unknown>).self).toBe('[Circular]');
    expect((out.loop as Record<string, unknown>).email).toBe(EMAIL);
    expect(out.map).toEqual({ password: REDACTED, ok: 'fine' });
    expect(out.when).toBe(when);
    expect(out.bytes).toBe(bytes);
    expect(out.n).toBe(42.5);
    expect(out.big).toBe(12345678901234567890n);
    expect(out.yes).toBe(true);
  });

  it('redacts card numbers logged as JSON numbers (and bigints), keeps other numbers', () => {
    const out = redact({
      pan: 4111111111111111,
      amex: 378282246310005,
      big: 5500005555555559n,
      nested: [6011111111111117],
      price: 42.5,
      qty: 3,
    });
    expect(out).toEqual({ pan: REDACTED, amex: CARD, big: CARD, nested: [CARD], price: 42.5, qty: 3 });
    // Luhn-invalid, too short, too long, fractional, and epoch times (13, 16 and 19 digits, first digit 1) stay
    const keep = {
      id: 4111111111111112,
      short: 411111111111,
      long: 2 ** 65,
      frac: 4111111111111.5,
      ms: 1767225600000,
      us: 1767225600000000,
      ns: 1767225600000000000n,
    };
    expect(redact(keep)).toBe(keep);
    expect(luhnValid('1767225600000')).toBe(false);
  });

  it('judges values that serialize through toJSON (URL objects, date-like wrappers) by what they serialize to', () => {
    class Masked {
      constructor(private readonly raw: string) {}
      toJSON(): string {
        return `card ${this.raw}`;
      }
    }
    const url = new URL('https://jo:hunter2@shop.example/cb?token=abc&page=2');
    const out = redact({
      url,
      masked: new Masked('4111 1111 1111 1111'),
      dateLike: { toJSON: () => ({ value: 'mail jane@example.com' }) },
    });
    expect(out).toEqual({
      url: `https://jo:${REDACTED}@shop.example/cb?token=${REDACTED}&page=2`,
      masked: `card ${CARD}`,
      dateLike: { value: `mail ${EMAIL}` },
    });
    expect(JSON.stringify(out)).not.toMatch(/hunter2|abc&|4111|jane/);
    // nothing to hide: the object itself stays (no copy, serialized as before)
    const clean = { url: new URL('https://shop.example/products?page=2'), when: new Date(0) };
    expect(redact(clean)).toBe(clean);
  });

  it('recognises secret keys in more spellings, whatever the case and separators', () => {
    const secret = [
      'passwd',
      'Password',
      'db_password',
      'PASSWORD',
      'pwd',
      'db.pass',
      'passphrase',
      'client_secret',
      'clientSecret',
      'apiKey',
      'api_key',
      'API-KEY',
      'x-api-key',
      'X-Api-Key',
      'set-cookie',
      'Set-Cookie',
      'cookie',
      'authorization',
      'Proxy-Authorization',
      'auth',
      'private_key',
      'privateKey',
      'PRIVATE-KEY',
      'access_token',
      'accessToken',
      'refresh-token',
      'id_token',
      'x-auth-token',
      'sessionId',
      'session_id',
      'security_code',
      'cvv',
      'CVV2',
      'cvc',
      'card_number',
      'cardNumber',
      'card_no',
      'pan',
      'pin',
      'otp',
      'ssn',
      'iban',
      'sig',
      'X-Amz-Signature',
      'X-Amz-Credential',
      'jwt',
      'credentials',
      'webhookSecret',
    ];
    for (const key of secret) expect(redact({ [key]: 'v' }), key).toEqual({ [key]: REDACTED });
    const ordinary = [
      'order_id',
      'orderId',
      'sku',
      'price',
      'trace_id',
      'span_id',
      'author',
      'authMethod',
      'shipping',
      'passenger_count',
      'bypass',
      'company',
      'spinner',
      'panel',
      'keyboard',
      'design',
      'currency',
      'status',
    ];
    for (const key of ordinary) expect(redact({ [key]: 'v' }), key).toEqual({ [key]: 'v' });
  });

  it('leaves ordinary data intact: order ids, ISO timestamps, trace and span ids, prices, SKUs', () => {
    const line = {
      order_id: 'ord_01HQ3K9Z8Y7X6W5V4T3S2R1Q0P',
      numeric_order: 'o-48213',
      time: '2026-11-30T08:56:19.173Z',
      trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
      trace_with_digits: '9f4111111111111111abcdef01234567',
      span_id: '00f067aa0ba902b7',
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      price: '12.99',
      amount: 42.5,
      sku: 'p-0007',
      skus: ['p-0001', 'p-0012'],
      duration: '0.30000000000000004',
      epoch_ms: '1767225600000',
      ip: '192.168.100.200',
      route: 'GET /products/:id',
      sql: 'SELECT id, name FROM product WHERE id = ?',
      stack: 'Error: x\n    at charge (/app/src/token.ts:12:5)',
      note: 'the passenger paid 12.99 EUR for 3 items, token expired, basic shipping',
    };
    expect(redact(line)).toBe(line);
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
