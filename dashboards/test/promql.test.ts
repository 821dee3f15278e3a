// Every PromQL query of every panel and variable parses with Prometheus's own grammar (the lezer
// grammar Grafana's editor uses), once Grafana's macros and the variables are substituted.
import { parser } from '@prometheus-io/lezer-promql';
import { describe, expect, it } from 'vitest';
import { allBoards } from '../src/catalog.ts';
import { macrosFor, substituteMacros } from '../src/live/time-range.ts';
import { substituteVariables } from '../src/live/variables.ts';

const macros = macrosFor({ fromMs: 0, toMs: 15 * 60_000 });
const sample = {
  service: '(gateway|orders)',
  route: '/api/checkout',
  environment: 'demo',
  job: 'shop',
  instance: '127\\\\.0\\\\.0\\\\.1:9464',
  slo: 'checkout-latency',
  topic: 'shop.orders',
  group: 'fulfilment',
  outbox: 'orders',
};

/** Positions of the grammar's error nodes: an empty list is a query that parses. */
export function promqlErrors(query: string): number[] {
  const errors: number[] = [];
  parser.parse(query).iterate({
    enter: (node) => {
      if (node.type.isError) errors.push(node.from);
    },
  });
  return errors;
}

describe('PromQL of the panels', () => {
  const queries = (allBoards() as any[]).flatMap((board) => [
    ...board.panels.flatMap((panel: any) =>
      panel.targets
        .filter((t: any) => t.datasource.type === 'prometheus')
        .map((t: any) => ({ where: `${board.uid} / ${panel.title} / ${t.refId}`, expr: t.expr as string })),
    ),
    ...board.templating.list
      .filter((v: any) => v.datasource?.type === 'prometheus')
      .map((v: any) => ({ where: `${board.uid} $${v.name}`, expr: (v.query as string).replace(/^label_values\((.*),\s*\w+\)$/s, '$1') })),
  ]);

  it('finds the queries', () => expect(queries.length).toBeGreaterThan(60));

  it('every one parses, macros and variables substituted', () => {
    for (const { where, expr } of queries) {
      const text = substituteMacros(substituteVariables(expr, sample), macros);
      expect(text, where).not.toMatch(/\$[a-zA-Z_]/);
      expect(promqlErrors(text), `${where}: ${text}`).toEqual([]);
    }
  });

  it('the check catches a broken query', () => {
    expect(promqlErrors('sum by (service (rate(x[5m]))')).not.toEqual([]);
    expect(promqlErrors('rate(x[$__rate_interval])')).not.toEqual([]);
  });
});
