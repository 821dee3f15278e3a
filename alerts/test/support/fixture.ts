import { afterAll, beforeAll, vi } from 'vitest';
import type { Evaluator } from '../../src/evaluator.ts';
import type { EvaluatorOptions } from '../../src/options.ts';
import { FakeSlack, MetricServer, present, startPrometheus, type FakeSlackOptions, type RunningPrometheus } from '@shopscope/testkit';
import { getJson, scratch, start } from './harness.ts';

/** One real Prometheus and one scrape target per test file; each test starts its own evaluator and fake Slack. */
export function usePrometheus(): { metrics: MetricServer; prometheus: () => RunningPrometheus } {
  const metrics = new MetricServer();
  let prometheus: RunningPrometheus | undefined;
  beforeAll(async () => {
    await metrics.start();
    metrics.set('shopscope_test_ready', {}, 1);
    prometheus = await startPrometheus([metrics.target]);
    await vi.waitFor(
      async () =>
        present(
          'first scrape',
          (await getJson<{ data: { result: unknown[] } }>(`${prometheus?.url}/api/v1/query?query=shopscope_test_ready`)).data.result
            .length > 0,
        ),
      { timeout: 20_000 },
    );
  });
  afterAll(async () => {
    await prometheus?.stop();
    await metrics.stop();
  });
  return { metrics, prometheus: () => prometheus as RunningPrometheus };
}

export interface Running {
  evaluator: Evaluator;
  slack: FakeSlack;
  files: ReturnType<typeof scratch>;
  stop(): Promise<void>;
}

/** A rule on one metric: fires after `for` while the metric is 1. */
export function flagRule(
  metric: string,
  options: { alert?: string; for?: string; by?: string; keepFiringFor?: string; labels?: Record<string, string> } = {},
): string {
  const by = options.by ?? 'service';
  return `
groups:
  - name: ${metric}
    interval: 1s
    rules:
      - alert: ${options.alert ?? 'FlagUp'}
        expr: max by (${by}) (${metric}) == 1
        for: ${options.for ?? '1s'}
        ${options.keepFiringFor ? `keep_firing_for: ${options.keepFiringFor}` : ''}
        labels: ${JSON.stringify({ severity: 'page', ...options.labels })}
        annotations:
          summary: "{{ $labels.${by} }} flag is up"
`;
}

export function simplePolicy(extra: { channel?: string; groupBy?: string; repeat?: string; webhookUrl?: string } = {}): string {
  return `
route:
  receiver: oncall
  group_by: ${extra.groupBy ?? '[alertname, service]'}
  group_wait: 500ms
  group_interval: 1s
  repeat_interval: ${extra.repeat ?? '1h'}
receivers:
  - name: oncall
    slack_channel: '${extra.channel ?? '#alerts'}'
    ${extra.webhookUrl ? `webhook_url: '${extra.webhookUrl}'` : ''}
`;
}

export async function startWithSlack(
  prometheusUrl: string,
  rules: string,
  policy: string,
  options: Partial<EvaluatorOptions> = {},
  slackOptions: FakeSlackOptions = {},
): Promise<Running> {
  const slack = await new FakeSlack(slackOptions).start();
  const files = scratch({ 'test.rules.yml': rules }, policy);
  const evaluator = await start({
    rulesDir: files.rulesDir,
    policy: files.policy,
    stateFile: files.stateFile,
    prometheusUrl,
    slackToken: 'xoxb-test',
    slackApiUrl: slack.apiUrl,
    backoffInitialMs: 200,
    backoffMaxMs: 1000,
    ...options,
  });
  return {
    evaluator,
    slack,
    files,
    async stop() {
      await evaluator.stop();
      await slack.stop();
      files.cleanup();
    },
  };
}
