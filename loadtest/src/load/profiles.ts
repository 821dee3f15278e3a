// The load profiles: arrival phases, and the shop's SLOs written as Artillery `ensure` checks
// (a breach makes Artillery, and so `npm run load`, exit non-zero).
import { journeyNames, type JourneyName } from './journeys.ts';

export interface Phase {
  name: string;
  duration: number;
  arrivalRate: number;
  rampTo?: number;
  maxVusers?: number;
}

export interface Profile {
  description: string;
  phases: Phase[];
  /** Journey weights instead of the usual mix (the smoke test runs every journey alike). */
  weights?: Partial<Record<JourneyName, number>>;
}

export const profiles = {
  smoke: {
    description: 'a few shoppers for 20 s: every journey works',
    phases: [{ name: 'smoke', duration: 20, arrivalRate: 3 }],
    weights: { browse: 1, search: 1, add_to_cart: 1, checkout_approved: 1, checkout_declined: 1 },
  },
  load: {
    description: 'the expected busy hour: 10 shoppers a second for 2 minutes after a warm-up',
    phases: [
      { name: 'warm-up', duration: 30, arrivalRate: 2, rampTo: 10 },
      { name: 'busy hour', duration: 120, arrivalRate: 10 },
    ],
  },
  stress: {
    description: 'a ramp from 5 to 60 shoppers a second over 3 minutes: where do the SLOs break?',
    phases: [{ name: 'ramp', duration: 180, arrivalRate: 5, rampTo: 60, maxVusers: 2000 }],
  },
  spike: {
    description: 'a quiet shop, a sudden rush of 50 shoppers a second for 20 s, quiet again',
    phases: [
      { name: 'before', duration: 30, arrivalRate: 5 },
      { name: 'spike', duration: 20, arrivalRate: 50, maxVusers: 2000 },
      { name: 'after', duration: 40, arrivalRate: 5 },
    ],
  },
  soak: {
    description: '5 shoppers a second for 30 minutes: leaks and slow drifts',
    phases: [{ name: 'soak', duration: 1800, arrivalRate: 5 }],
  },
} satisfies Record<string, Profile> as Record<'smoke' | 'load' | 'stress' | 'spike' | 'soak', Profile>;

export type ProfileName = keyof typeof profiles;
export const profileNames = Object.keys(profiles) as ProfileName[];

/** The shop's SLOs: the share of failed journeys, and p95 / p99 latency of each step (ms). */
export const slo = {
  maxFailedJourneyRatio: {
    browse: 0.01,
    search: 0.01,
    add_to_cart: 0.01,
    checkout_approved: 0.02,
    checkout_declined: 0.02,
  } satisfies Record<JourneyName, number>,
  stepLatencyMs: {
    'browse.list': { p95: 500, p99: 1500 },
    'browse.product': { p95: 500, p99: 1500 },
    'browse.categories': { p95: 500, p99: 1500 },
    'search.query': { p95: 600, p99: 1500 },
    'search.refine': { p95: 600, p99: 1500 },
    'cart.create': { p95: 500, p99: 1500 },
    'cart.add_item': { p95: 600, p99: 1500 },
    'cart.view': { p95: 500, p99: 1500 },
    'checkout.pay_approved': { p95: 1500, p99: 3000 },
    'checkout.pay_declined': { p95: 1500, p99: 3000 },
  } as Record<string, { p95: number; p99: number }>,
};

/** The SLOs as Artillery's ensure plugin reads them. */
export function ensureChecks(journeysRun: readonly JourneyName[] = journeyNames): {
  thresholds: Record<string, number>[];
  conditions: { expression: string; strict: boolean }[];
} {
  const thresholds: Record<string, number>[] = [];
  for (const [step, limits] of Object.entries(slo.stepLatencyMs)) {
    if (!journeysRun.some((j) => step.startsWith(stepPrefix(j)))) continue;
    thresholds.push({ [`plugins.metrics-by-endpoint.response_time.${step}.p95`]: limits.p95 });
    thresholds.push({ [`plugins.metrics-by-endpoint.response_time.${step}.p99`]: limits.p99 });
  }
  const conditions = journeysRun.map((j) => ({
    expression: `journey.${j}.failed / journey.${j}.started <= ${slo.maxFailedJourneyRatio[j]}`,
    strict: true,
  }));
  return { thresholds, conditions };
}

function stepPrefix(journey: JourneyName): string {
  return {
    browse: 'browse.',
    search: 'search.',
    add_to_cart: 'cart.',
    checkout_approved: 'checkout.pay_approved',
    checkout_declined: 'checkout.pay_declined',
  }[journey];
}
