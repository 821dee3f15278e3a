import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { startEvaluator, type Evaluator, type StartHooks } from '../../src/evaluator.ts';
import type { EvaluatorOptions } from '../../src/options.ts';

/** A scratch folder with a rules directory, a policy and a state file for one test. */
export function scratch(
  rules: Record<string, string>,
  policy: string,
): { dir: string; rulesDir: string; policy: string; stateFile: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'shopscope-alerts-test-'));
  const rulesDir = join(dir, 'rules');
  mkdirSync(rulesDir);
  for (const [name, text] of Object.entries(rules)) writeFileSync(join(rulesDir, name), text);
  writeFileSync(join(dir, 'policy.yml'), policy);
  return {
    dir,
    rulesDir,
    policy: join(dir, 'policy.yml'),
    stateFile: join(dir, 'state.db'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A test evaluator's options: the scratch files, a (fake) Prometheus and a (fake) Slack, no PromQL checker. */
export function fakeBackedOptions(
  files: { rulesDir: string; policy: string; stateFile: string },
  prometheusUrl: string,
  slackApiUrl: string,
): Partial<EvaluatorOptions> & Pick<EvaluatorOptions, 'rulesDir' | 'policy' | 'stateFile'> {
  return {
    rulesDir: files.rulesDir,
    policy: files.policy,
    stateFile: files.stateFile,
    prometheusUrl,
    promqlChecker: 'none',
    slackToken: 'xoxb-test',
    slackApiUrl,
  };
}

export const quietLogger = pino({ level: process.env.ALERTS_TEST_LOG ?? 'silent' });

/** The API token every test evaluator runs with; `auth` is the header that carries it. */
export const TEST_TOKEN = 'test-token-0123456789abcdef';
export const auth = { authorization: `Bearer ${TEST_TOKEN}` } as const;

export function start(
  options: Partial<EvaluatorOptions>,
  hooks: Omit<StartHooks, 'logger'> & { logger?: StartHooks['logger'] } = {},
): Promise<Evaluator> {
  return startEvaluator(
    { port: 0, watch: false, promqlChecker: 'promtool', apiToken: TEST_TOKEN, ...options },
    { logger: quietLogger, ...hooks },
  );
}

export async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  return (await response.json()) as T;
}

export interface ApiAlert {
  fingerprint: string;
  labels: Record<string, string>;
  state: string;
  value: number;
  silencedBy: string[];
  inhibitedBy?: string;
}
export interface ApiNotification {
  id: number;
  kind: string;
  reason: string;
  status: string;
  ts: string | null;
  threadTs: string | null;
  channel: string;
  text: string;
  attempts: number;
  lastError: string | null;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json: any;
}

/**
 * One HTTP request with exactly these headers (fetch would set Host itself), answered within
 * `timeoutMs` or rejected: what a browser, a script or an attacker could send.
 */
export function rawRequest(
  baseUrl: string,
  options: { method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer; timeoutMs?: number },
): Promise<RawResponse> {
  const base = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: base.hostname,
        port: base.port,
        method: options.method ?? 'GET',
        path: options.path ?? '/',
        setHost: false,
        headers: {
          host: base.host,
          ...options.headers,
          ...(options.body !== undefined ? { 'content-length': String(Buffer.byteLength(options.body)) } : {}),
        },
        timeout: options.timeoutMs ?? 5000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(body);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${options.timeoutMs ?? 5000} ms`)));
    req.on('error', reject);
    req.end(options.body);
  });
}
