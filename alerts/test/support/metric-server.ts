export * from '../../src/testing/metric-server.ts';
