// @shopscope/testkit: tooling for the parts' tests. This file only re-exports.
export { freePort } from './free-port.ts';
export { stopChild } from './stop-child.ts';
export { startVictoriaLogs, victoriaLogsBinary, type RunningVictoriaLogs } from './victorialogs.ts';
export { startPrometheus, prometheusBinary, prometheusInstalled, type RunningPrometheus } from './prometheus.ts';
export { FakeSlack, type FakeSlackCall, type FakeSlackMessage, type FakeSlackOptions } from './fake-slack.ts';
export { MetricServer } from './metric-server.ts';
export { testEnvironment, shiftedPort, STACK_TEST_SHIFTS, SHIFTED_PORTS, type TestStackName } from './stack-env.ts';
export { present } from './present.ts';
export { launchChromium, chromiumPath } from './chromium.ts';
export { OtlpReceiver, decodeTraces, decodeLogs, type ReceivedSpan, type ReceivedLog } from './otlp-receiver.ts';
export { startMariaDb, type RunningMariaDb } from './mariadb.ts';
export { startRedis, type RunningRedis } from './redis.ts';
