// Settings for tests that run the stack: a separate data folder and every port moved by the
// test stack's shift, so the tests neither disturb nor depend on a stack a developer has running
// on the usual ports, and test stacks running at the same time never share a port.
import { join } from 'node:path';
import { loadSettings, PORT_VARIABLES } from '@shopscope/stack';

const repoRoot = loadSettings({}).repoRoot;

/**
 * Each test stack's port shift, in one place. Every shifted port stays below Linux's ephemeral
 * range (32768 and up), where an outgoing connection may hold a port for a moment and a back end
 * then fails to bind it; and no two stacks share a port (a test checks both).
 */
export const STACK_TEST_SHIFTS = {
  stack: 11_000,
  broken: 11_500,
  pipeline: 12_000,
  dashboards: 13_000,
  // the dashboards' previews when no demo runs (`npm run dashboards:preview`)
  'dashboards-preview': 13_500,
  loadtest: 14_000,
  browser: 15_000,
  // the shop's events through Kafka (events/test)
  events: 16_000,
} as const;

export type TestStackName = keyof typeof STACK_TEST_SHIFTS;

/**
 * The test stacks whose shop sends events (the events test; the dashboards, whose events board
 * must show data): the others leave Kafka out (its JVM takes ≈ 5 s and 400 MB).
 */
const STACKS_WITH_KAFKA: ReadonlySet<TestStackName> = new Set(['events', 'dashboards', 'dashboards-preview']);

/** The ports a test stack moves (the storefront, the evaluator and the shop's metrics stay put). */
export const SHIFTED_PORTS = Object.entries(PORT_VARIABLES).filter(
  ([key]) => key !== 'storefront' && key !== 'alerts' && key !== 'shopMetricsBase',
);

export function testEnvironment(name: TestStackName): Record<string, string | undefined> {
  const shift = STACK_TEST_SHIFTS[name];
  const env: Record<string, string | undefined> = {
    ...process.env,
    SHOPSCOPE_STACK_DATA_DIR: join(repoRoot, '.data', `stack-test-${name}`),
    SHOPSCOPE_STACK_KAFKA: STACKS_WITH_KAFKA.has(name) ? 'on' : 'off',
  };
  for (const [, [variable, port]] of SHIFTED_PORTS) env[variable] = String(port + shift);
  return env;
}

/** A test stack's port for a shop metrics port, moved like the stack's own. */
export function shiftedPort(name: TestStackName, port: number): number {
  return port + STACK_TEST_SHIFTS[name];
}
