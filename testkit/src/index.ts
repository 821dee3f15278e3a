// @shopscope/testkit: tooling for the parts' tests. This file only re-exports.
export { freePort } from './free-port.ts';
export { stopChild } from './stop-child.ts';
export { startVictoriaLogs, victoriaLogsBinary, type RunningVictoriaLogs } from './victorialogs.ts';
export { startPrometheus, prometheusBinary, prometheusInstalled, type RunningPrometheus } from './prometheus.ts';
