export { MetricServer } from '@shopscope/testkit';
