import { describe, expect, it } from 'vitest';
import { createRedaction } from '../../../src/logging/redact.ts';
import { createKeyPredicate, joinedKey, keyWords } from '../../../src/logging/redaction/sensitive-keys.ts';

describe('key spellings', () => {
  it('splits keys into words at separators and camelCase humps, and joins them into one run', () => {
    expect(keyWords('clientSecretV2')).toEqual(['client', 'secret', 'v2']);
    expect(keyWords('APIKey')).toEqual(['api', 'key']);
    expect(keyWords('x-api-key')).toEqual(['x', 'api', 'key']);
    expect(keyWords('http.request.header.set-cookie')).toEqual(['http', 'request', 'header', 'set', 'cookie']);
    expect(joinedKey('X_Api-Key')).toBe('xapikey');
  });

  it('matches whole words where a substring would be wrong', () => {
    const secret = createKeyPredicate();
    expect(['pin', 'store_pin', 'userPin', 'pan', 'card.pan', 'db_pass', 'sig', 'X-Sig'].every(secret)).toBe(true);
    expect(
      ['shipping', 'spinner', 'company', 'panel', 'passenger', 'bypass', 'design', 'signal', 'author', 'auth_method'].some(secret),
    ).toBe(false);
  });

  it('adds SHOPSCOPE_REDACT names, case- and separator-insensitive, to fields and to key=value text', () => {
    const redaction = createRedaction(['customer_phone']);
    expect(redaction.value({ customerPhone: '555-0100', CUSTOMER_PHONE: '555-0101', phone: 'kept' })).toEqual({
      customerPhone: '[REDACTED]',
      CUSTOMER_PHONE: '[REDACTED]',
      phone: 'kept',
    });
    expect(redaction.text('lookup customer-phone=555-0100&x=1')).toBe('lookup customer-phone=[REDACTED]&x=1');
  });
});
