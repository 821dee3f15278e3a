// The committed Grafana JSON is what the TypeScript generates, fits Grafana's dashboard model, and
// every reference in it resolves: data source uids to the provisioning, links to boards, and the
// alert rules' dashboard links to a board and its variables.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { allBoards } from '../src/catalog.ts';
import { dataSources } from '../src/datasources.ts';
import { grafanaDir, serialise } from '../src/generate.ts';
import { dashboardSchema } from '../src/model-schema.ts';
import { uids } from '../src/uids.ts';

const provisioning = new URL('../provisioning/', import.meta.url);
const rulesDir = new URL('../../alerts/rules/', import.meta.url);
const boards = allBoards() as any[];
const committed = readdirSync(grafanaDir).filter((f) => f.endsWith('.json'));

describe('the committed dashboards', () => {
  it('are exactly what `npm run dashboards:generate` writes', () => {
    expect(committed.sort()).toEqual(boards.map((b) => `${b.uid}.json`).sort());
    for (const board of boards) expect(readFileSync(join(grafanaDir, `${board.uid}.json`), 'utf8'), board.uid).toBe(serialise(board));
  });

  it("fit Grafana's dashboard model, with unique uids and titles", () => {
    for (const board of boards) {
      const result = dashboardSchema.safeParse(board);
      expect(result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`), board.uid).toEqual([]);
    }
    expect(new Set(boards.map((b) => b.uid)).size).toBe(boards.length);
    expect(new Set(boards.map((b) => b.title)).size).toBe(boards.length);
    expect(boards.map((b) => b.uid).sort()).toEqual(Object.values(uids).sort());
  });

  it('name only data sources the provisioning defines, with the same type', () => {
    const file = parse(readFileSync(new URL('datasources/shopscope.yaml', provisioning), 'utf8')) as {
      datasources: { uid: string; type: string }[];
    };
    const provisioned = new Map(file.datasources.map((d) => [d.uid, d.type]));
    expect([...provisioned.entries()].sort()).toEqual(dataSources.map((d) => [d.uid, d.type]).sort());
    for (const board of boards) {
      for (const panel of board.panels) {
        for (const ref of [panel.datasource, ...panel.targets.map((t: any) => t.datasource)]) {
          expect(provisioned.get(ref.uid), `${board.uid} / ${panel.title}`).toBe(ref.type);
        }
      }
      for (const variable of board.templating.list.filter((v: any) => v.type !== 'custom'))
        expect(provisioned.get(variable.datasource.uid), `${board.uid} $${variable.name}`).toBe(variable.datasource.type);
    }
  });

  it('link to boards that exist, data sources that exist, or documented URLs', () => {
    const known = new Set(boards.map((b) => b.uid));
    const provisioned = parse(readFileSync(new URL('datasources/shopscope.yaml', provisioning), 'utf8')) as {
      datasources: { uid: string; jsonData: any }[];
    };
    for (const board of boards) {
      for (const link of board.links) {
        if (link.type === 'dashboards') expect(link.tags, board.uid).toEqual(['shopscope']);
        else expect(known.has(/^\/d\/([\w-]+)$/.exec(link.url)?.[1]), `${board.uid}: ${link.url}`).toBe(true);
      }
    }
    // the data sources' cross links: exemplars, traces to logs and metrics, logs to traces
    const targets = provisioned.datasources
      .flatMap((d) => [
        ...(d.jsonData.exemplarTraceIdDestinations ?? []).map((e: any) => e.datasourceUid),
        d.jsonData.tracesToLogsV2?.datasourceUid,
        d.jsonData.tracesToMetrics?.datasourceUid,
        ...(d.jsonData.derivedFields ?? []).map((f: any) => f.datasourceUid),
      ])
      .filter(Boolean);
    expect(targets.length).toBe(4);
    for (const uid of targets) expect(provisioned.datasources.map((d) => d.uid)).toContain(uid);
  });

  it('panels that need a fault to show data say so in their description', () => {
    for (const board of boards) {
      for (const panel of board.panels) expect(panel.description, `${board.uid} / ${panel.title}`).not.toMatch(/empty\b(?! unless)/i);
    }
  });
});

describe("the alert rules' dashboard links", () => {
  const links: { file: string; alert: string; url: string }[] = [];
  for (const file of readdirSync(rulesDir).filter((f) => f.endsWith('.yml'))) {
    const doc = parse(readFileSync(new URL(file, rulesDir), 'utf8')) as {
      groups: { rules: { alert?: string; annotations?: Record<string, string> }[] }[];
    };
    for (const group of doc.groups)
      for (const rule of group.rules)
        if (rule.alert && rule.annotations?.dashboard_url) links.push({ file, alert: rule.alert, url: rule.annotations.dashboard_url });
  }

  it('open one of these boards, with variables it has', () => {
    expect(links.length).toBeGreaterThan(5);
    for (const link of links) {
      const url = new URL(link.url.replace(/\{\{[^}]*\}\}/g, 'x'));
      const board = boards.find((b) => url.pathname === `/d/${b.uid}`);
      expect(board, `${link.file} ${link.alert}: ${link.url}`).toBeDefined();
      const variables = board.templating.list.map((v: any) => `var-${v.name}`);
      for (const name of url.searchParams.keys()) expect(variables, `${link.alert}: ${name}`).toContain(name);
    }
  });
});
