// Frontend: web vitals and browser errors per page, from the storefront's real-user monitoring
// (Faro over OTLP: one VictoriaLogs row per item, `service.name="storefront"`; the page is
// `url.full`, a vital is `measurement.name` and `measurement.value`, an error `exception.*`).
import type * as dashboardTypes from '@grafana/grafana-foundation-sdk/dashboard';
import { newBoard } from '../board.ts';
import { victoriaLogs } from '../datasources.ts';
import { barPanel, logLinesPanel, logStatsTimeSeriesPanel, tablePanel } from '../panels.ts';
import { logsql } from '../queries.ts';
import { uids } from '../uids.ts';

export const notReporting = 'Empty unless a browser has loaded the storefront page.';
const app = 'service.name:"storefront"';
const vitals = `${app} measurement.type:"web-vitals"`;
const errors = `${app} exception.type:*`;

export function frontendBoard(): dashboardTypes.Dashboard {
  return newBoard(uids.frontend, 'Frontend', "What shoppers' browsers see: web vitals and browser errors per page.")
    .withPanel(
      tablePanel({
        title: 'Web vitals per page (p75)',
        description: `75th percentile of each web vital (TTFB, FCP, LCP, INP in milliseconds; CLS a score) per page. ${notReporting}`,
        source: victoriaLogs,
        w: 24,
        h: 8,
        targets: [logsql('A', `${vitals} | stats by (url.full, measurement.name) quantile(0.75, measurement.value) as p75`, 'stats')],
      }),
    )
    .withPanel(
      logStatsTimeSeriesPanel(
        {
          title: 'Page load vitals p75 over time',
          description: `TTFB and FCP of page loads, 75th percentile. ${notReporting}`,
          w: 12,
          h: 8,
          unit: 'ms',
        },
        `${vitals} measurement.name:in(ttfb, fcp, lcp) | stats by (measurement.name) quantile(0.75, measurement.value) as p75`,
        '{{measurement.name}}',
      ),
    )
    .withPanel(
      barPanel({
        title: 'Browser errors per page',
        description: 'Uncaught errors, rejections and console.error lines the browsers reported, per page. Empty unless a page throws.',
        source: victoriaLogs,
        w: 12,
        h: 8,
        targets: [logsql('A', `${errors} | stats by (url.full) count() as errors`, 'stats', '{{url.full}}')],
      }),
    )
    .withPanel(
      logLinesPanel(
        {
          title: 'Browser errors',
          description: 'The errors themselves, with their stack, page and session. Empty unless a page throws.',
          w: 24,
          h: 8,
        },
        errors,
      ),
    )
    .build();
}
