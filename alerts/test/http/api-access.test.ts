import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Evaluator } from '../../src/evaluator.ts';
import { auth, rawRequest, scratch, start } from '../support/harness.ts';

const POLICY = 'route: { receiver: log }\nreceivers: [{ name: log }]\n';
const SILENCE = JSON.stringify({ matchers: ['alertname="X"'], duration: '1h', createdBy: 'test', comment: 'maintenance' });
const json = { 'content-type': 'application/json' };

// Who may use the API: changes need the token, every request the right Host, bodies are JSON.
describe('API access', () => {
  const files = scratch({}, POLICY);
  let evaluator: Evaluator;
  let readOnly: Evaluator;
  const readOnlyFiles = scratch({}, POLICY);
  const silences = async (e: Evaluator) => (await rawRequest(e.url, { path: '/api/silences' })).json.silences as unknown[];

  beforeAll(async () => {
    const common = { prometheusUrl: 'http://127.0.0.1:9', promqlChecker: 'none' as const };
    evaluator = await start({ ...common, rulesDir: files.rulesDir, policy: files.policy, stateFile: files.stateFile });
    readOnly = await start({
      ...common,
      rulesDir: readOnlyFiles.rulesDir,
      policy: readOnlyFiles.policy,
      stateFile: readOnlyFiles.stateFile,
      apiToken: undefined,
    });
  });
  afterAll(async () => {
    await evaluator?.stop();
    await readOnly?.stop();
    files.cleanup();
    readOnlyFiles.cleanup();
  });

  it('refuses changes without the Bearer token, or with a wrong one, with 401 JSON', async () => {
    const attempts = [
      { method: 'POST', path: '/api/silences', headers: json, body: SILENCE },
      { method: 'POST', path: '/api/silences', headers: { ...json, authorization: 'Bearer wrong-token' }, body: SILENCE },
      {
        method: 'POST',
        path: '/api/silences',
        headers: { ...json, authorization: `Basic ${Buffer.from('a:b').toString('base64')}` },
        body: SILENCE,
      },
      {
        method: 'POST',
        path: '/api/silences',
        headers: { ...json, authorization: `Bearer ${auth.authorization.slice(7)}x` },
        body: SILENCE,
      },
      { method: 'DELETE', path: '/api/silences/00000000-0000-0000-0000-000000000000' },
      { method: 'POST', path: '/-/reload' },
    ];
    for (const a of attempts) {
      const res = await rawRequest(evaluator.url, a);
      expect(res.status, `${a.method} ${a.path}`).toBe(401);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.headers['www-authenticate']).toBe('Bearer');
      expect(res.json.error.code).toBe('SHOPSCOPE_ERR_UNAUTHORIZED');
    }
    expect(await silences(evaluator)).toEqual([]);
  });

  it('takes changes with the token; reading stays open', async () => {
    const created = await rawRequest(evaluator.url, {
      method: 'POST',
      path: '/api/silences',
      headers: { ...json, ...auth },
      body: SILENCE,
    });
    expect(created.status).toBe(201);
    expect(await silences(evaluator)).toHaveLength(1);
    const expired = await rawRequest(evaluator.url, { method: 'DELETE', path: `/api/silences/${created.json.silence.id}`, headers: auth });
    expect(expired.status).toBe(200);
    const reload = await rawRequest(evaluator.url, { method: 'POST', path: '/-/reload', headers: auth });
    expect(reload.status).toBe(200);
    for (const path of ['/api/alerts', '/api/silences', '/api/notifications', '/api/rules', '/-/healthy', '/metrics']) {
      expect((await rawRequest(evaluator.url, { path })).status, path).toBe(200);
    }
  });

  it('with no token configured, refuses every change and says how to allow them', async () => {
    for (const headers of [{ ...json }, { ...json, authorization: 'Bearer anything' }, { ...json, ...auth }]) {
      const res = await rawRequest(readOnly.url, { method: 'POST', path: '/api/silences', headers, body: SILENCE });
      expect(res.status).toBe(403);
      expect(res.json.error).toEqual({ code: 'SHOPSCOPE_ERR_API_TOKEN_UNSET', message: expect.stringContaining('SHOPSCOPE_ALERTS_TOKEN') });
    }
    expect((await rawRequest(readOnly.url, { method: 'POST', path: '/-/reload' })).status).toBe(403);
    expect(await silences(readOnly)).toEqual([]);
    expect((await rawRequest(readOnly.url, { path: '/api/alerts' })).status).toBe(200);
  });

  it('answers 415 to a body that is not JSON, before reading it', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', '']) {
      const res = await rawRequest(evaluator.url, {
        method: 'POST',
        path: '/api/silences',
        headers: { ...auth, ...(type ? { 'content-type': type } : {}) },
        body: SILENCE,
      });
      expect(res.status, type).toBe(415);
      expect(res.json.error.code).toBe('SHOPSCOPE_ERR_UNSUPPORTED_MEDIA_TYPE');
    }
    const charset = await rawRequest(evaluator.url, {
      method: 'POST',
      path: '/api/silences',
      headers: { ...auth, 'content-type': 'application/json; charset=utf-8' },
      body: SILENCE,
    });
    expect(charset.status).toBe(201);
  });

  it('answers 403 to a Host that is neither its address nor localhost (DNS rebinding), reads included', async () => {
    const port = new URL(evaluator.url).port;
    for (const host of [
      `evil.example:${port}`,
      'evil.example',
      `127.0.0.1.evil.example:${port}`,
      `localhost:${Number(port) + 1}`,
      `user@localhost:${port}`,
      '',
    ]) {
      for (const request of [
        { path: '/api/alerts' },
        { path: '/metrics' },
        { method: 'POST', path: '/api/silences', headers: { ...json, ...auth }, body: SILENCE },
      ]) {
        const res = await rawRequest(evaluator.url, { ...request, headers: { ...request.headers, host } });
        expect(res.status, `${host} ${request.path}`).toBe(403);
        expect(res.json.error.code).toBe('SHOPSCOPE_ERR_FORBIDDEN_HOST');
      }
    }
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`]) {
      expect((await rawRequest(evaluator.url, { path: '/api/alerts', headers: { host } })).status, host).toBe(200);
    }
    expect(await silences(evaluator)).toHaveLength(2);
  });

  it('refuses absurd silences with 400 and keeps GET /api/silences working', async () => {
    const before = await silences(evaluator);
    const post = (body: unknown) =>
      rawRequest(evaluator.url, { method: 'POST', path: '/api/silences', headers: { ...json, ...auth }, body: JSON.stringify(body) });
    for (const duration of ['1e12h', '1000000000000h', '100000000h', '-1h', '91d']) {
      const res = await post({ matchers: ['alertname="X"'], duration, createdBy: 't', comment: 'c' });
      expect(res.status, duration).toBe(400);
      expect(res.json.error.code).toBe('SHOPSCOPE_ERR_SILENCE_INVALID');
    }
    expect((await post({ matchers: ['alertname="X"'], endsAt: '9999-12-31T23:59:59Z', createdBy: 't', comment: 'c' })).status).toBe(400);
    expect((await post({ matchers: ['service=~"(a"'], duration: '1h', createdBy: 't', comment: 'c' })).json.error).toEqual({
      code: 'SHOPSCOPE_ERR_SILENCE_INVALID',
      message: expect.stringContaining('bad regex'),
    });
    const list = await rawRequest(evaluator.url, { path: '/api/silences' });
    expect(list.status).toBe(200);
    expect(list.json.silences).toEqual(before);
  });

  it('answers a malformed request line with 400, never 500', async () => {
    const res = await rawRequest(evaluator.url, { path: 'http://[::1' });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('SHOPSCOPE_ERR_BAD_REQUEST');
  });
});
