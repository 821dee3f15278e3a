// Runs every query of every panel of a board against the live back ends, variables expanded to
// real values: the rows each query returned are what the tests check and the previews draw.
import type { Ports } from '@shopscope/stack';
import { answerRows, expandedExpr, runQuery, type QueryAnswer, type Target } from './run-query.ts';
import { macrosFor, type TimeRange } from './time-range.ts';
import { expandVariables, substituteVariables, type Expanded, type VariableModel } from './variables.ts';

export interface PanelModel {
  id?: number;
  type: string;
  title: string;
  description?: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type?: string; uid?: string };
  targets?: Target[];
  fieldConfig?: { defaults?: { unit?: string } };
  transformations?: { id: string; options?: { renameByName?: Record<string, string>; excludeByName?: Record<string, boolean> } }[];
}

export interface BoardModel {
  uid: string;
  title: string;
  panels: PanelModel[];
  templating?: { list?: VariableModel[] };
}

export interface QueryOutcome {
  target: Target;
  query: string;
  answer?: QueryAnswer;
  error?: string;
  rows: number;
}

export interface PanelOutcome {
  board: BoardModel;
  panel: PanelModel;
  queries: QueryOutcome[];
}

/** "Empty unless …" in a panel's description: the panel shows data only with a fault on. */
export function emptyUnless(panel: PanelModel): string | undefined {
  return /empty unless ([^.]*(?:\([^)]*\))?[^.]*)/i.exec(panel.description ?? '')?.[1];
}

function describe(target: Target, query: string, variables: Expanded): string {
  if (target.datasource?.type !== 'jaeger') return query;
  if (target.queryType === 'dependencyGraph') return 'jaeger dependencies';
  return `jaeger search ${[`service=${substituteVariables(target.service ?? '', variables)}`, target.tags && `tags ${target.tags}`, target.minDuration && `minDuration=${target.minDuration}`].filter(Boolean).join(' ')}`;
}

export async function runBoard(board: BoardModel, ports: Ports, range: TimeRange): Promise<PanelOutcome[]> {
  const macros = macrosFor(range);
  const variables = await expandVariables(board.templating?.list ?? [], ports, range);
  const ctx = { ports, range, macros, variables };
  const outcomes: PanelOutcome[] = [];
  for (const panel of board.panels) {
    const queries: QueryOutcome[] = [];
    for (const target of panel.targets ?? []) {
      const query = describe(target, expandedExpr(target, ctx), variables);
      try {
        const answer = await runQuery(target, ctx);
        queries.push({ target, query, answer, rows: answerRows(answer) });
      } catch (err) {
        queries.push({ target, query, error: (err as Error).message, rows: 0 });
      }
    }
    outcomes.push({ board, panel, queries });
  }
  return outcomes;
}
