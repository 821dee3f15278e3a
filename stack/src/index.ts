// @shopscope/stack: build and supervise the local back ends. This file only re-exports.
export {
  buildAll,
  binaryPath,
  isReady,
  BUILD_COMPONENTS,
  type BuildComponent,
  type BuildOptions,
  type BuildResult,
} from './build/build-all.ts';
export {
  up,
  down,
  status,
  logs,
  STACK_COMPONENTS,
  type StackComponent,
  type SupervisorOptions,
  type ComponentStatus,
  type ComponentState,
  type StopResult,
} from './supervisor.ts';
export { loadSettings, PORT_VARIABLES, type StackSettings, type Ports, type PortName } from './settings.ts';
export { StackError, errorCodes, describeError, type ErrorCode } from './errors.ts';
