// A schema of the parts of Grafana's dashboard model that file provisioning and the panels rely
// on. No JSON schema of the model ships on npm (@grafana/schema is TypeScript types only), so the
// committed JSON is checked against this zod schema; the builders are checked by the SDK's types.
import { z } from 'zod';

const dataSourceRef = z.object({ type: z.string().min(1), uid: z.string().min(1) });

const target = z.looseObject({ refId: z.string().regex(/^[A-Z]$/), datasource: dataSourceRef });

export const panelSchema = z.looseObject({
  id: z.number().int().positive(),
  type: z.enum(['timeseries', 'stat', 'barchart', 'table', 'heatmap', 'nodeGraph', 'logs']),
  title: z.string().min(1),
  description: z.string().min(1),
  datasource: dataSourceRef,
  gridPos: z.object({
    x: z.number().int().min(0).max(23),
    y: z.number().int().min(0),
    w: z.number().int().min(1).max(24),
    h: z.number().int().min(1),
  }),
  targets: z.array(target).min(1),
});

const variable = z.looseObject({
  name: z.string().regex(/^\w+$/),
  type: z.enum(['query', 'custom', 'constant', 'textbox', 'interval', 'datasource']),
  datasource: dataSourceRef.optional(),
});

export const dashboardSchema = z.looseObject({
  uid: z.string().regex(/^[a-z0-9-]{1,40}$/),
  title: z.string().min(1),
  description: z.string().min(1),
  schemaVersion: z.number().int().min(39),
  tags: z.array(z.string()),
  time: z.object({ from: z.string(), to: z.string() }),
  templating: z.object({ list: z.array(variable) }),
  links: z.array(z.looseObject({ title: z.string(), type: z.enum(['link', 'dashboards']) })),
  panels: z.array(panelSchema).min(1),
});
