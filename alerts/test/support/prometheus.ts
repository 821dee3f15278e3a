export { freePort, startPrometheus, prometheusInstalled, type RunningPrometheus } from '@shopscope/testkit';
