// Every board, in the order the README and the previews list them.
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { batchBoard } from './boards/batch.ts';
import { businessBoard } from './boards/business.ts';
import { eventsBoard } from './boards/events.ts';
import { frontendBoard } from './boards/frontend.ts';
import { logsBoard } from './boards/logs.ts';
import { pipelineBoard } from './boards/pipeline.ts';
import { runtimeBoard } from './boards/runtime.ts';
import { serviceMapBoard } from './boards/service-map.ts';
import { serviceOverviewBoard } from './boards/service-overview.ts';
import { sloBoard } from './boards/slo.ts';
import { transactionsBoard } from './boards/transactions.ts';

export const boardFactories: readonly (() => dashboard.Dashboard)[] = [
  serviceOverviewBoard,
  serviceMapBoard,
  transactionsBoard,
  businessBoard,
  runtimeBoard,
  logsBoard,
  () => sloBoard(),
  pipelineBoard,
  frontendBoard,
  batchBoard,
  eventsBoard,
];

/** Each board as the JSON Grafana's file provisioning loads (functions dropped, ids numbered). */
export function boardJson(board: dashboard.Dashboard): Record<string, unknown> {
  const json = JSON.parse(JSON.stringify(board)) as { panels?: { id?: number }[] } & Record<string, unknown>;
  json.panels?.forEach((panel, i) => (panel.id = i + 1));
  // Grafana's own export always has the list, empty or not
  json.templating = { list: (json.templating as { list?: unknown[] } | undefined)?.list ?? [] };
  return json;
}

export function allBoards(): Record<string, unknown>[] {
  return boardFactories.map((make) => boardJson(make()));
}
