export * from '../../src/testing/prometheus.ts';
