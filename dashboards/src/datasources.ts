// The three data sources every panel names, by the uids the provisioning gives them. A panel
// that names any other uid fails the tests: in Grafana it would show "data source not found".
import type * as common from '@grafana/grafana-foundation-sdk/common';

export const prometheus = { type: 'prometheus', uid: 'shopscope-prometheus' } as const satisfies common.DataSourceRef;
export const jaeger = { type: 'jaeger', uid: 'shopscope-jaeger' } as const satisfies common.DataSourceRef;
export const victoriaLogs = {
  type: 'victoriametrics-logs-datasource',
  uid: 'shopscope-victorialogs',
} as const satisfies common.DataSourceRef;

export const dataSources = [prometheus, jaeger, victoriaLogs] as const;
export type DataSourceKind = (typeof dataSources)[number]['type'];
