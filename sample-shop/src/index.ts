// @shopscope/sample-shop's public entry for tools and tests that run the shop. Only re-exports.
export { launchShop, launchService, stopShop, portOf, type LaunchedService, type LaunchOptions } from './launcher.ts';
export { serviceNames, metricsPorts, loadConfig, flagsPath, type ServiceName, type ShopConfig } from './shared/config.ts';
export { FlagStore, flagSchema, type Flags } from './shared/flags.ts';
export { buildService, type BuiltService } from './services.ts';
