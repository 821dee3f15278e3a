import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { present } from '@shopscope/testkit';
import type { Evaluator } from '../../src/evaluator.ts';
import { FakePrometheus } from '../support/fake-prometheus.ts';
import { auth, rawRequest, scratch, start, TEST_TOKEN, type RawResponse } from '../support/harness.ts';

// A label value that makes a backtracking regex engine run for ages on patterns like (a+)+$.
const LONG_SERVICE = `${'a'.repeat(30_000)}!`;
const RULES = `
groups:
  - name: fuzz
    interval: 1s
    rules:
      - alert: Fuzzed
        expr: fuzz_up == 1
`;
const POLICY = 'route: { receiver: log, group_wait: 100ms, group_interval: 1s }\nreceivers: [{ name: log }]\n';
/** The longest any request may take to be answered: nothing may stall the API. */
const ANSWER_WITHIN_MS = 2000;

// Characters a request line or header may carry (node's client refuses the rest before sending).
const printable = (min: number, max: number) =>
  fc.string({ unit: fc.integer({ min, max }).map((c) => String.fromCharCode(c)), maxLength: 80 });
const regexish = fc.string({ unit: fc.constantFrom(...'()[]{}*+?|.^$\\-,:=!<>aAb09 '.split('')), maxLength: 40 });
const matcher = fc.oneof(
  fc.constantFrom(
    'service=~"(a+)+$"',
    'service=~"(a|aa)+$"',
    'service=~"(.*a){25}"',
    'service=~"([a-z]+)*!"',
    'alertname="Fuzzed"',
    'service!~"x"',
    'x=~"("',
  ),
  fc
    .tuple(fc.constantFrom('service', 'alertname', 'x', '0bad', ''), fc.constantFrom('=', '!=', '=~', '!~', '~', '=='), regexish)
    .map(([name, op, value]) => `${name}${op}${JSON.stringify(value)}`),
  printable(0x20, 0x7e),
);
const duration = fc.oneof(
  fc.constantFrom('1h', '30m', '1e12h', '-1h', '0', '999999999999999999999y', '90d', '91d', '1h30m', ''),
  fc
    .tuple(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.constantFrom('ms', 's', 'm', 'h', 'd', 'w', 'y'))
    .map(([n, u]) => `${n}${u}`),
  printable(0x20, 0x7e),
);
const instant = fc.oneof(
  fc
    .date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true })
    .map((d) => d.toISOString()),
  fc.constantFrom('2999-01-01T00:00:00Z', 'now', '', '2020-13-45T99:99:99Z'),
);
const silenceBody = fc.record(
  {
    matchers: fc.array(matcher, { maxLength: 40 }),
    duration,
    endsAt: instant,
    startsAt: instant,
    createdBy: fc.oneof(fc.constant('fuzz'), printable(0x20, 0x7e)),
    comment: fc.oneof(fc.constant('fuzzing'), fc.constant('x'.repeat(2000))),
  },
  { requiredKeys: ['matchers', 'createdBy', 'comment'] },
);
const body = fc.oneof(
  fc.constant(undefined),
  silenceBody.map((b) => JSON.stringify(b)),
  fc.json({ maxDepth: 3 }),
  printable(0x20, 0x7e),
  fc.constant('{"matchers": ["alertname=\\"Fuzzed\\""], "duration": "1h", "createdBy": "f", "comment": "c"'),
);

describe('API under random requests', () => {
  const prometheus = new FakePrometheus();
  const files = scratch({ 'fuzz.rules.yml': RULES }, POLICY);
  let evaluator: Evaluator;
  let port = '';

  beforeAll(async () => {
    await prometheus.start();
    prometheus.set('fuzz_up == 1', { service: LONG_SERVICE });
    evaluator = await start({
      rulesDir: files.rulesDir,
      policy: files.policy,
      stateFile: files.stateFile,
      prometheusUrl: prometheus.url,
      promqlChecker: 'none',
    });
    port = new URL(evaluator.url).port;
    await vi.waitFor(
      async () => present('the alert fires', (await rawRequest(evaluator.url, { path: '/api/alerts' })).json.alerts.length > 0),
      { timeout: 20_000 },
    );
  });
  afterAll(async () => {
    await evaluator?.stop();
    await prometheus.stop();
    files.cleanup();
  });

  it('never answers 5xx, never stalls, and changes nothing for a request without the token and the right Host', async () => {
    const anyRequest = fc.record({
      method: fc.constantFrom('GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'HEAD', 'OPTIONS'),
      path: fc.oneof(
        fc.constantFrom(
          '/api/silences',
          '/api/alerts',
          '/api/notifications?limit=-5',
          '/api/rules',
          '/-/reload',
          '/-/healthy',
          '/metrics',
          '/api/silences/',
        ),
        printable(0x21, 0x7e).map((s) => `/api/silences/${s}`),
        printable(0x21, 0x7e).map((s) => `/${s}`),
        fc.webPath(),
      ),
      host: fc.oneof(
        fc.constantFrom(`127.0.0.1:${port}`, `localhost:${port}`),
        fc.constantFrom('evil.example', `evil.example:${port}`, ''),
        printable(0x21, 0x7e),
      ),
      authorization: fc.oneof(
        fc.constant(undefined),
        fc.constant(auth.authorization),
        fc.constantFrom('Bearer ', `Bearer ${TEST_TOKEN.slice(1)}`, `bearer ${TEST_TOKEN}`),
        printable(0x20, 0x7e),
      ),
      contentType: fc.oneof(
        fc.constant(undefined),
        fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/jsonx'),
        printable(0x20, 0x7e),
      ),
      body,
    });
    // Requests that pass every check but the content: silences with random matchers and durations.
    const goodMatcher = fc.oneof(
      fc.constantFrom('service=~"(a+)+$"', 'service=~"(a|aa)+$"', 'service=~"(.*a){25}"', 'service=~"([a-z]+)*!"', 'alertname="Fuzzed"'),
      fc
        .tuple(fc.constantFrom('service', 'alertname'), fc.constantFrom('=~', '!~', '='), regexish)
        .map(([name, op, value]) => `${name}${op}${JSON.stringify(value)}`),
    );
    const authorized = fc.record({
      method: fc.constant('POST'),
      path: fc.constant('/api/silences'),
      host: fc.constant(`127.0.0.1:${port}`),
      authorization: fc.constant(auth.authorization),
      contentType: fc.constant('application/json'),
      body: fc
        .record({
          matchers: fc.array(goodMatcher, { minLength: 1, maxLength: 4 }),
          duration: fc.oneof(fc.constantFrom('1h', '2h30m', '1e12h', '91d', '89d'), duration),
          createdBy: fc.constant('fuzz'),
          comment: fc.constant('fuzzing'),
        })
        .map((b) => JSON.stringify(b)) as fc.Arbitrary<string | undefined>,
    });
    const request = fc.oneof({ arbitrary: anyRequest, weight: 3 }, { arbitrary: authorized, weight: 1 });
    let requests = 0;
    let created = 0;
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        // what is stored, less the status that time alone changes (a silence of 5ms expires meanwhile)
        const stored = (list: Array<Record<string, unknown>>) => list.map(({ status: _status, ...s }) => s);
        const before = stored((await rawRequest(evaluator.url, { path: '/api/silences' })).json.silences);
        const headers: Record<string, string> = { host: r.host };
        if (r.authorization !== undefined) headers.authorization = r.authorization;
        if (r.contentType !== undefined) headers['content-type'] = r.contentType;
        const startedAt = Date.now();
        const res: RawResponse = await rawRequest(evaluator.url, {
          method: r.method,
          path: r.path,
          headers,
          body: r.body,
          timeoutMs: ANSWER_WITHIN_MS,
        });
        requests++;
        expect(Date.now() - startedAt).toBeLessThan(ANSWER_WITHIN_MS);
        expect(res.status, `${r.method} ${r.path}: ${res.body.slice(0, 300)}`).toBeLessThan(500);
        if (res.status >= 400 && r.method !== 'HEAD')
          expect(res.json?.error?.code, res.body.slice(0, 300)).toMatch(/^SHOPSCOPE_ERR_[A-Z_]+$/);
        // the stored silences always list (no value a request left behind breaks the listing)
        const after = await rawRequest(evaluator.url, { path: '/api/silences', timeoutMs: ANSWER_WITHIN_MS });
        expect(after.status).toBe(200);
        const trusted = r.authorization === auth.authorization && [`127.0.0.1:${port}`, `localhost:${port}`].includes(r.host);
        if (!trusted) expect(stored(after.json.silences)).toEqual(before);
        if (res.status === 201) created++;
      }),
      { numRuns: 400, interruptAfterTimeLimit: 45_000 },
    );
    expect(requests).toBeGreaterThan(100);
    expect(created).toBeGreaterThan(0);
    // evaluation was not stalled by any silence the fuzzing made: alerts list, the group keeps running
    const alerts = await rawRequest(evaluator.url, { path: '/api/alerts', timeoutMs: ANSWER_WITHIN_MS });
    expect(alerts.status).toBe(200);
    const evaluatedAt = (await rawRequest(evaluator.url, { path: '/api/rules' })).json.groups[0].lastEvaluatedAt;
    await vi.waitFor(
      async () =>
        present(
          'another evaluation',
          (await rawRequest(evaluator.url, { path: '/api/rules' })).json.groups[0].lastEvaluatedAt > evaluatedAt,
        ),
      { timeout: 5000 },
    );
    console.log(`fuzz: ${requests} requests, ${created} silences created`);
  }, 90_000);
});
