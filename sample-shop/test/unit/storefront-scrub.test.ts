import { describe, expect, it } from 'vitest';
import { REDACTED, scrubItem, scrubText, scrubValue } from '../../storefront/src/scrub.ts';

// The storefront's browser telemetry scrubs every item before it leaves the page.

describe('storefront telemetry scrubbing', () => {
  it('replaces Luhn-valid card numbers, grouped or not, and emails in text', () => {
    expect(scrubText('paid with 4242 4242 4242 4242 by a.b+c@example.co.uk')).toBe('paid with [card] by [email]');
    expect(scrubText('4242-4242-4242-4242 / 4000000000000002')).toBe('[card] / [card]');
  });

  it('leaves digit runs that are no card: Luhn-invalid, too short, ids and times', () => {
    expect(scrubText('order 4242424242424241 of 12 items, 1234567890')).toBe('order 4242424242424241 of 12 items, 1234567890');
    const span = { traceId: '4242424242424242aaaaaaaaaaaaaaaa', spanId: '4242424242424242', startTimeUnixNano: '1700000000000000000' };
    expect(scrubValue(span)).toEqual(span);
  });

  it('replaces the values of card, CVV and email keys, in objects and OTLP attributes', () => {
    expect(scrubValue({ cvv: '321', cardNumber: 'x', email: 'y', nested: { 'user.email': 'z' }, keep: 'ok' })).toEqual({
      cvv: REDACTED,
      cardNumber: REDACTED,
      email: REDACTED,
      nested: { 'user.email': REDACTED },
      keep: 'ok',
    });
    expect(
      scrubValue([
        { key: 'form.cvv', value: { stringValue: '321' } },
        { key: 'url.full', value: { stringValue: 'http://shop/?to=a@b.io' } },
      ]),
    ).toEqual([
      { key: 'form.cvv', value: { stringValue: REDACTED } },
      { key: 'url.full', value: { stringValue: 'http://shop/?to=[email]' } },
    ]);
  });

  it('scrubs an item whole, payload and metas, without changing the original', () => {
    const item = {
      type: 'exception',
      payload: { value: 'card 4242424242424242 refused' },
      meta: { page: { url: 'http://shop/?mail=x@y.io' } },
    };
    expect(scrubItem(item)).toEqual({
      type: 'exception',
      payload: { value: 'card [card] refused' },
      meta: { page: { url: 'http://shop/?mail=[email]' } },
    });
    expect(item.payload.value).toContain('4242424242424242');
  });
});
