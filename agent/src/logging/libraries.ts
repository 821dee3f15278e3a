import { createRequire } from 'node:module';
import type * as PinoModule from 'pino';
import type * as LogformModule from 'logform';

// pino is loaded with require(), before the instrumentations are enabled, on purpose: a static
// import would create the ESM record the app's own `import pino` later reuses, and the
// instrumentation's loader hook would never see the app's copy. Loaded this way, the app's pino
// is instrumented and the agent's own stays untouched.
//
// The winston format needs only logform (winston's format library), never winston itself: the
// winston instrumentation patches the file winston/lib/winston/logger.js when it is first
// required, so had the agent loaded winston before the instrumentations, the app's winston
// would come from the require cache unpatched and its lines would lack trace ids (a test now
// checks them).

const require = createRequire(import.meta.url);

export const pinoLib = require('pino') as typeof PinoModule.default;
export const logformLib = require('logform') as typeof LogformModule;
