// The test stacks' ports: below the ephemeral range, apart from each other and from the demo's.
import { describe, expect, it } from 'vitest';
import { PORT_VARIABLES } from '@shopscope/stack';
import { SHIFTED_PORTS, STACK_TEST_SHIFTS, testEnvironment, type TestStackName } from '@shopscope/testkit';

const EPHEMERAL_START = 32_768;
// the shop's ports, its metrics ports and the evaluator's, which tests move by the same shift
const shopPorts = [
  8080,
  8081,
  8082,
  8083,
  8084,
  8085,
  8086,
  ...Array.from({ length: 7 }, (_, i) => PORT_VARIABLES.shopMetricsBase[1] + i),
  PORT_VARIABLES.alerts[1],
];

function portsOf(name: TestStackName): number[] {
  const env = testEnvironment(name);
  return SHIFTED_PORTS.map(([, [variable]]) => Number(env[variable]));
}

describe('test stack ports', () => {
  it('stay below the ephemeral range', () => {
    for (const name of Object.keys(STACK_TEST_SHIFTS) as TestStackName[]) {
      for (const port of portsOf(name)) expect(port, `${name}: ${port}`).toBeLessThan(EPHEMERAL_START);
    }
  });

  it('are shared by no two stacks, and not with the demo and its shop', () => {
    const owner = new Map<number, string>();
    for (const [, [, port]] of Object.entries(PORT_VARIABLES)) owner.set(port, 'demo');
    for (const port of shopPorts) owner.set(port, 'demo shop');
    for (const name of Object.keys(STACK_TEST_SHIFTS) as TestStackName[]) {
      for (const port of [...portsOf(name), ...shopPorts.map((p) => p + STACK_TEST_SHIFTS[name])]) {
        expect(owner.get(port), `${name} wants ${port}`).toBeUndefined();
        owner.set(port, name);
      }
    }
  });

  it('give each stack a data folder of its own', () => {
    const folders = (Object.keys(STACK_TEST_SHIFTS) as TestStackName[]).map((name) => testEnvironment(name).SHOPSCOPE_STACK_DATA_DIR);
    expect(new Set(folders).size).toBe(folders.length);
  });
});
