import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { AlertsError } from '../errors.ts';
import { parseDuration } from '../rules/duration.ts';
import { parseMatcher, type Matcher } from './matchers.ts';

const duration = z.string().refine((s) => {
  try {
    parseDuration(s);
    return true;
  } catch {
    return false;
  }
}, 'not a duration (e.g. 30s, 5m)');
const matcherList = z.array(z.string()).optional();

interface RawRoute {
  receiver?: string;
  group_by?: string[];
  group_wait?: string;
  group_interval?: string;
  repeat_interval?: string;
  matchers?: string[];
  continue?: boolean;
  routes?: RawRoute[];
}
const routeSchema: z.ZodType<RawRoute> = z.lazy(() =>
  z.strictObject({
    receiver: z.string().optional(),
    group_by: z.array(z.string()).optional(),
    group_wait: duration.optional(),
    group_interval: duration.optional(),
    repeat_interval: duration.optional(),
    matchers: matcherList,
    continue: z.boolean().optional(),
    routes: z.array(routeSchema).optional(),
  }),
);

const policySchema = z.strictObject({
  route: routeSchema,
  receivers: z
    .array(
      z.strictObject({
        name: z.string().min(1),
        slack_channel: z.string().min(1).optional(),
        webhook_url: z.url().optional(),
        send_resolved: z.boolean().optional(),
      }),
    )
    .min(1),
  inhibit_rules: z
    .array(
      z.strictObject({
        source_matchers: z.array(z.string()).min(1),
        target_matchers: z.array(z.string()).min(1),
        equal: z.array(z.string()).optional(),
      }),
    )
    .optional(),
});

export interface Route {
  /** Position in the tree ("0", "0.1", ...): part of every group key, so two routes never share a group. */
  id: string;
  receiver: string;
  groupBy: readonly string[] | 'all';
  groupWaitMs: number;
  groupIntervalMs: number;
  repeatIntervalMs: number;
  matchers: readonly Matcher[];
  continue: boolean;
  routes: readonly Route[];
}

export interface Receiver {
  name: string;
  slackChannel?: string;
  webhookUrl?: string;
  sendResolved: boolean;
}
export interface InhibitRule {
  sourceMatchers: readonly Matcher[];
  targetMatchers: readonly Matcher[];
  equal: readonly string[];
}
export interface Policy {
  route: Route;
  receivers: ReadonlyMap<string, Receiver>;
  inhibitRules: readonly InhibitRule[];
}

const ROOT_DEFAULTS = {
  receiver: '',
  groupBy: ['alertname'] as string[],
  groupWaitMs: 30_000,
  groupIntervalMs: 5 * 60_000,
  repeatIntervalMs: 4 * 3_600_000,
};

export function readPolicyFile(path: string): Policy {
  let raw: unknown;
  try {
    raw = parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new AlertsError('SHOPSCOPE_ERR_POLICY_INVALID', `${path}: ${(err as Error).message}`);
  }
  try {
    return parsePolicy(raw);
  } catch (err) {
    throw new AlertsError('SHOPSCOPE_ERR_POLICY_INVALID', `${path}: ${(err as Error).message}`);
  }
}

/** Validates a policy and resolves inheritance once; the result is frozen. */
export function parsePolicy(raw: unknown): Policy {
  const result = policySchema.safeParse(raw);
  if (!result.success) {
    throw new AlertsError(
      'SHOPSCOPE_ERR_POLICY_INVALID',
      result.error.issues.map((i) => `${i.path.join('.') || '(policy)'}: ${i.message}`).join('; '),
    );
  }
  const p = result.data;
  const receivers = new Map<string, Receiver>();
  for (const r of p.receivers) {
    if (receivers.has(r.name)) throw new AlertsError('SHOPSCOPE_ERR_POLICY_INVALID', `receiver "${r.name}" is defined twice`);
    receivers.set(
      r.name,
      Object.freeze({ name: r.name, slackChannel: r.slack_channel, webhookUrl: r.webhook_url, sendResolved: r.send_resolved ?? true }),
    );
  }
  if (!p.route.receiver) throw new AlertsError('SHOPSCOPE_ERR_POLICY_INVALID', 'route.receiver: the root route needs a receiver');
  const build = (raw: RawRoute, parent: typeof ROOT_DEFAULTS, id: string): Route => {
    const receiver = raw.receiver ?? parent.receiver;
    if (!receivers.has(receiver)) throw new AlertsError('SHOPSCOPE_ERR_POLICY_INVALID', `route ${id}: unknown receiver "${receiver}"`);
    const groupBy = raw.group_by ?? parent.groupBy;
    const inherited = {
      receiver,
      groupBy,
      groupWaitMs: raw.group_wait ? parseDuration(raw.group_wait) : parent.groupWaitMs,
      groupIntervalMs: raw.group_interval ? parseDuration(raw.group_interval) : parent.groupIntervalMs,
      repeatIntervalMs: raw.repeat_interval ? parseDuration(raw.repeat_interval) : parent.repeatIntervalMs,
    };
    if (inherited.groupIntervalMs <= 0)
      throw new AlertsError('SHOPSCOPE_ERR_POLICY_INVALID', `route ${id}: group_interval must be above 0`);
    return Object.freeze({
      id,
      ...inherited,
      groupBy: groupBy.includes('...') ? ('all' as const) : Object.freeze([...groupBy]),
      matchers: Object.freeze((raw.matchers ?? []).map(parseMatcher)),
      continue: raw.continue ?? false,
      routes: Object.freeze((raw.routes ?? []).map((child, i) => build(child, inherited, `${id}.${i}`))),
    });
  };
  const route = build(p.route, ROOT_DEFAULTS, '0');
  const inhibitRules = (p.inhibit_rules ?? []).map((r) =>
    Object.freeze({
      sourceMatchers: r.source_matchers.map(parseMatcher),
      targetMatchers: r.target_matchers.map(parseMatcher),
      equal: r.equal ?? [],
    }),
  );
  return Object.freeze({ route, receivers, inhibitRules: Object.freeze(inhibitRules) });
}
