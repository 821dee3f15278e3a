// SLOs and alerts: each SLO's burn rate over the windows its alerts watch and its remaining error
// budget (from the recording rules the alerts part generates out of its SLO file), and the
// evaluator's firing alerts and pages.
import type * as dashboardTypes from '@grafana/grafana-foundation-sdk/dashboard';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { readSloFile, SHIPPED_SLO, type Slo } from '@shopscope/alerts';
import { newBoard } from '../board.ts';
import { prometheus } from '../datasources.ts';
import { barPanel, boardLink, promTimeSeriesPanel, tablePanel } from '../panels.ts';
import { prom } from '../queries.ts';
import { uids } from '../uids.ts';

/**
 * Each SLO's error budget (1 − objective) as a series labelled with the SLO, so that a recorded
 * error ratio divided `on (slo)` by it is the burn rate. The objectives live in the SLO file only.
 */
const budgets = (slos: Slo[]) =>
  `(${slos.map((slo) => `label_replace(vector(${Number((1 - slo.objective / 100).toPrecision(6))}), "slo", "${slo.name}", "", "")`).join(' or ')})`;
const burn = (window: string, slos: Slo[]) => `slo:sli_error:ratio_rate${window}{slo=~"$slo"} / on (slo) group_left () ${budgets(slos)}`;
const noErrorsNote = 'An SLO whose SLI had no error at all in the window draws no line (its recording has no value then).';

/** The SLOs of the file, all selected: an alert's link selects one (`var-slo=<name>`). */
const sloVariable = (slos: Slo[]) =>
  new dashboard.CustomVariableBuilder('slo')
    .label('SLO')
    .values(slos.map((s) => s.name).join(','))
    .multi(true)
    .includeAll(true)
    .current({ selected: true, text: ['All'], value: ['$__all'] });

export function sloBoard(slos: Slo[] = readSloFile(SHIPPED_SLO)): dashboardTypes.Dashboard {
  return newBoard(uids.slo, 'SLOs and alerts', "Each SLO's burn rate and remaining error budget; which alerts fire and which paged.", [
    sloVariable(slos),
  ])
    .link(boardLink('Service overview', uids.serviceOverview))
    .link(boardLink('Business KPIs', uids.business))
    .withPanel(
      promTimeSeriesPanel(
        {
          title: 'Burn rate, 1 h and 6 h windows',
          description: `Error ratio over the window divided by the error budget: 14.4 over 1 h (or 6 over 6 h) pages, 1 spends the budget exactly over the SLO period. ${noErrorsNote}`,
          w: 12,
          h: 8,
        },
        [
          [burn('1h', slos), '{{slo}} 1h'],
          [burn('6h', slos), '{{slo}} 6h'],
        ],
      ),
    )
    .withPanel(
      promTimeSeriesPanel(
        {
          title: 'Burn rate, 5 m and 30 m windows',
          description: `The short windows of the page conditions: they confirm the burn is still going on. ${noErrorsNote}`,
          w: 12,
          h: 8,
        },
        [
          [burn('5m', slos), '{{slo}} 5m'],
          [burn('30m', slos), '{{slo}} 30m'],
        ],
      ),
    )
    .withPanel(
      barPanel({
        title: 'Error budget remaining (3 d)',
        description: `Share of the error budget left, judged on the last 3 days (the longest window recorded); below 0 the SLO is broken. ${noErrorsNote}`,
        source: prometheus,
        w: 12,
        h: 8,
        unit: 'percentunit',
        targets: [prom('A', `1 - ${burn('3d', slos)}`, { instant: true, legend: '{{slo}}' })],
      }),
    )
    .withPanel(
      tablePanel({
        title: 'SLOs',
        description: 'Each SLO with its objective, as the SLO file states it.',
        source: prometheus,
        w: 12,
        h: 8,
        // one query, one row per SLO: `or` keeps every series, their label sets differ
        targets: [
          prom(
            'A',
            slos
              .map(
                (slo) =>
                  `label_replace(label_replace(vector(${slo.objective}), "slo", "${slo.name}", "", ""), "service", "${slo.service}", "", "")`,
              )
              .join('\nor\n'),
            { instant: true, format: 'table' },
          ),
        ],
      }).withTransformation({ id: 'organize', options: { excludeByName: { Time: true }, renameByName: { Value: 'objective %' } } }),
    )
    .withPanel(
      tablePanel({
        title: 'Firing alerts',
        description: 'Alerts firing now in the alert evaluator, by name and severity. Empty unless an alert fires.',
        source: prometheus,
        w: 12,
        h: 8,
        targets: [prom('A', 'sum by (alertname, severity) (shopscope_alerts_firing)', { instant: true, format: 'table' })],
      }),
    )
    .withPanel(
      promTimeSeriesPanel(
        { title: 'Pages sent', description: 'Alerts announced in a new page, per alert. Empty unless an alert has paged.', w: 12, h: 8 },
        [['sum by (alertname) (increase(shopscope_alerts_pages_total[$__rate_interval]))', '{{alertname}}']],
      ),
    )
    .withPanel(
      promTimeSeriesPanel(
        { title: 'Alerts by state', description: 'Pending, firing and resolved alerts the evaluator holds.', w: 12, h: 8 },
        [['sum by (state) (shopscope_alerts_alerts)', '{{state}}']],
      ),
    )
    .withPanel(
      promTimeSeriesPanel(
        {
          title: 'Notifications delivered and waiting',
          description: 'Messages delivered to each receiver per kind (post, update, reply), and those still waiting.',
          w: 12,
          h: 8,
        },
        [
          ['sum by (receiver, kind) (increase(shopscope_alerts_notifications_sent_total[$__rate_interval]))', '{{receiver}} {{kind}}'],
          ['sum(shopscope_alerts_notifications_pending)', 'waiting'],
        ],
      ),
    )
    .build();
}
