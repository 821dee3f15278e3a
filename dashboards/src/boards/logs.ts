// Logs: volume by service and level, failed requests from the access log, and the lines
// themselves from VictoriaLogs; each line's trace_id links to the trace in Jaeger (a derived
// field of the data source).
import type * as dashboardTypes from '@grafana/grafana-foundation-sdk/dashboard';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { newBoard } from '../board.ts';
import { victoriaLogs } from '../datasources.ts';
import { barPanel, boardLink, logLinesPanel, logStatsTimeSeriesPanel } from '../panels.ts';
import { logsql } from '../queries.ts';
import { uids } from '../uids.ts';

const service = 'service.name:~"$service"';
const failed = `${service} event:"http.request" http.status_code:>=500`;

/** The plugin's variable query: the values of one field of the logs in the time range. */
const serviceVariable = () =>
  new dashboard.QueryVariableBuilder('service')
    .label('Service')
    .datasource(victoriaLogs)
    .query({ refId: 'VictoriaLogsVariableQueryEditor-VariableQuery', type: 'fieldValue', field: 'service.name', query: '*', limit: 100 })
    .definition('field values of service.name')
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc)
    .includeAll(true)
    .allValue('.*')
    .current({ selected: true, text: 'All', value: '$__all' });

export function logsBoard(): dashboardTypes.Dashboard {
  return newBoard(
    uids.logs,
    'Logs',
    "Every service's log volume by level, failed requests, and the log lines with links to their traces.",
    [serviceVariable()],
  )
    .link(boardLink('Transactions', uids.transactions))
    .withPanel(
      logStatsTimeSeriesPanel(
        { title: 'Log volume by service and level', description: 'Log lines per service and severity over time.', w: 12, h: 8 },
        `${service} | stats by (service.name, severity_text) count() as lines`,
        '{{service.name}} {{severity_text}}',
      ),
    )
    .withPanel(
      logStatsTimeSeriesPanel(
        {
          title: 'Failed requests in the access log',
          description:
            'Access-log lines with a 5xx status, per service. Empty unless a request fails with a server error (e.g. a payment provider error).',
          w: 12,
          h: 8,
        },
        `${failed} | stats by (service.name) count() as failed`,
        '{{service.name}}',
      ),
    )
    .withPanel(
      barPanel({
        title: 'Top events',
        description: 'The ten most frequent log events (the `event` field) in the time range.',
        source: victoriaLogs,
        w: 8,
        h: 10,
        targets: [
          logsql('A', `${service} event:* | stats by (event) count() as lines | sort by (lines desc) | limit 10`, 'stats', '{{event}}'),
        ],
      }),
    )
    .withPanel(
      logLinesPanel(
        {
          title: 'Log lines',
          description: 'The newest log lines of the selected services; open a line for its fields and the link to its trace.',
          w: 16,
          h: 10,
        },
        service,
      ),
    )
    .withPanel(
      logLinesPanel(
        {
          title: 'Lines of failed requests',
          description:
            'Access-log lines of requests answered 5xx, each with its trace link. Empty unless a request fails with a server error.',
          w: 24,
          h: 8,
        },
        failed,
      ),
    )
    .build();
}
