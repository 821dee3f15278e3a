// Stable uids: Grafana keeps a dashboard's URL (`/d/<uid>`) by its uid, and the alert rules'
// `dashboard_url` annotations point at these.
export const uids = {
  serviceOverview: 'shopscope-red',
  serviceMap: 'shopscope-service-map',
  transactions: 'shopscope-transactions',
  business: 'shopscope-business',
  runtime: 'shopscope-runtime',
  logs: 'shopscope-logs',
  slo: 'shopscope-slo',
  pipeline: 'shopscope-platform',
  frontend: 'shopscope-frontend',
  batch: 'shopscope-batch',
  events: 'shopscope-events',
} as const;
