import { createRequire } from 'node:module';
import type * as PinoModule from 'pino';
import type * as WinstonModule from 'winston';

// pino and winston are loaded with require(), before the instrumentations are enabled, on
// purpose: a static import would create the ESM record the app's own `import pino` later
// reuses, and the instrumentation's loader hook would never see the app's copy. Loaded this
// way, the app's pino and winston are instrumented and the agent's own stay untouched.

const require = createRequire(import.meta.url);

export const pinoLib = require('pino') as typeof PinoModule.default;
export const winstonLib = require('winston') as typeof WinstonModule;
