import { DEFAULTS } from '../options.ts';

async function call(url: string, method: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  // Changes need the evaluator's token; it comes from the environment, never from the command line (ps would show it).
  const token = process.env.SHOPSCOPE_ALERTS_TOKEN;
  const headers: Record<string, string> = {
    ...(body ? { 'content-type': 'application/json' } : {}),
    ...(token ? { authorization: `Bearer ${token}` } : {}),
  };
  const response = await fetch(url, {
    method,
    headers,
    ...(body ? { body: JSON.stringify(body) } : {}),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

export async function runSilence(
  args: string[],
  flags: { matcher?: string[]; duration?: string; comment?: string; author?: string; url?: string },
): Promise<number> {
  const base = flags.url ?? process.env.ALERTS_URL ?? `http://${DEFAULTS.host}:${process.env.ALERTS_PORT ?? DEFAULTS.port}`;
  const [action, id] = args;
  let result: { status: number; json: Record<string, unknown> };
  if (action === 'add') {
    result = await call(`${base}/api/silences`, 'POST', {
      matchers: flags.matcher ?? [],
      duration: flags.duration,
      comment: flags.comment,
      createdBy: flags.author ?? process.env.USER ?? 'cli',
    });
  } else if (action === 'list') {
    result = await call(`${base}/api/silences`, 'GET');
  } else if (action === 'expire' && id) {
    result = await call(`${base}/api/silences/${encodeURIComponent(id)}`, 'DELETE');
  } else {
    console.error('usage: shopscope-alerts silence add|list|expire <id>');
    return 2;
  }
  if (result.status >= 400) {
    const error = result.json.error as { code: string; message: string } | undefined;
    console.error(`${error?.message ?? `HTTP ${result.status}`}${error?.code ? ` [${error.code}]` : ''}`);
    return 1;
  }
  console.log(JSON.stringify(result.json, null, 2));
  return 0;
}
