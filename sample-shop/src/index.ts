// @shopscope/sample-shop's public entry for tools and tests that run the shop. Only re-exports.
export { launchShop, launchService, stopShop, portOf, metricsPorts, type LaunchedService, type LaunchOptions } from './launcher.ts';
export { serviceNames, type ServiceName } from './shared/config.ts';
