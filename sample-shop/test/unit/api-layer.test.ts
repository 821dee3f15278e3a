import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { fts5Query, searchTerms, tsQuery } from '../../src/catalog/search.ts';
import { parseApiKeys } from '../../src/shared/api-keys.ts';
import { costLimitRule, MAX_QUERY_COST } from '../../src/gateway/graphql/limits.ts';
import { schema } from '../../src/gateway/graphql/schema.ts';
import { UpstreamTimer } from '../../src/gateway/metrics.ts';

// The same graphql-js copy the rule and mercurius use (see limits.ts)
const graphql = createRequire(import.meta.url)('graphql') as typeof import('graphql');
const shopSchema = graphql.buildSchema(schema);

function costErrors(query: string, variables?: Record<string, unknown>, max = MAX_QUERY_COST) {
  return graphql.validate(shopSchema, graphql.parse(query), [costLimitRule(max, variables)]).map((e) => e.message);
}

describe('search terms', () => {
  it('keeps only words, lower-cased, deduplicated and bounded', () => {
    expect(searchTerms('Nordic KETTLE kettle')).toEqual(['nordic', 'kettle']);
    expect(searchTerms('"kettle* NEAR(cup) -tray:* \'x\\')).toEqual(['kettle', 'near', 'cup', 'tray', 'x']);
    expect(searchTerms('%_*"()')).toEqual([]);
    expect(searchTerms('Éspresso über 42')).toEqual(['éspresso', 'über', '42']);
    expect(searchTerms('a b c d e f g h i j')).toHaveLength(8);
    expect(searchTerms('x'.repeat(100))[0]).toHaveLength(40);
  });

  it('builds prefix queries in each engine syntax from terms alone', () => {
    expect(fts5Query(['nordic', 'kett'])).toBe('"nordic"* AND "kett"*');
    expect(tsQuery(['nordic', 'kett'])).toBe('nordic:* & kett:*');
  });
});

describe('API keys (SHOPSCOPE_API_KEYS)', () => {
  it('maps each key to its consumer name', () => {
    const keys = parseApiKeys('mobile:mobile-key-0123, partner : partner-key-4567');
    expect([...keys]).toEqual([
      ['mobile-key-0123', 'mobile'],
      ['partner-key-4567', 'partner'],
    ]);
    expect(parseApiKeys(undefined).size).toBe(0);
    expect(parseApiKeys(' ').size).toBe(0);
  });

  it('refuses a bad list with one line naming the entry', () => {
    expect(() => parseApiKeys('mobile')).toThrow('SHOPSCOPE_API_KEYS entry 1 must be name:key');
    expect(() => parseApiKeys('mobile:short')).toThrow(/entry 1 \(mobile\): the key must be 12-128/);
    expect(() => parseApiKeys('bad name:mobile-key-0123')).toThrow(/entry 1: the name must be/);
    expect(() => parseApiKeys('anonymous:mobile-key-0123')).toThrow(/reserved/);
    expect(() => parseApiKeys('a:mobile-key-0123,a:other-key-01234')).toThrow(/entry 2: the name "a" appears twice/);
    expect(() => parseApiKeys('a:mobile-key-0123,b:mobile-key-0123')).toThrow(/entry 2 \(b\): the same key/);
  });
});

describe('GraphQL cost limit', () => {
  it('counts fields times list sizes, the page limit once', () => {
    const one = costErrors('{ products(limit: 10) { items { id name } } }', undefined, 30);
    // products 1 + 10 × (items 1 + id 1 + name 1) = 31
    expect(one).toEqual(['the operation costs 31, over the limit of 30 (fields × list sizes; ask for fewer fields or a smaller limit)']);
    expect(costErrors('{ products(limit: 10) { items { id name } } }', undefined, 31)).toEqual([]);
  });

  it('reads the limit from variables and defaults, and counts fragments', () => {
    const query = 'query Q($n: Int) { products(limit: $n) { ...page } } fragment page on ProductPage { items { id } }';
    expect(costErrors(query, { n: 49 }, 100)).toEqual([]);
    expect(costErrors(query, { n: 100 }, 100)[0]).toMatch(/operation "Q" costs 201/);
    // no limit given: the argument's default (20)
    expect(costErrors('{ products { items { id } } }', undefined, 40)[0]).toMatch(/costs 41/);
    // a list without a limit (a cart's lines) counts as 20 items
    expect(costErrors('{ cart(id: "c") { items { quantity } } }', undefined, 21)[0]).toMatch(/costs 22/);
  });
});

describe('upstream timer', () => {
  it('counts overlapping calls once and never more than the wall time', async () => {
    const timer = new UpstreamTimer();
    const started = performance.now();
    const wait = (ms: number) => timer.time(() => new Promise((resolve) => setTimeout(resolve, ms)));
    await Promise.all([wait(60), wait(60), wait(30)]);
    await new Promise((resolve) => setTimeout(resolve, 40));
    await wait(20);
    const wall = performance.now() - started;
    expect(timer.elapsedMs()).toBeGreaterThanOrEqual(75);
    expect(timer.elapsedMs()).toBeLessThan(wall - 30);
    await expect(timer.time(() => Promise.reject(new Error('down')))).rejects.toThrow('down');
  });
});
