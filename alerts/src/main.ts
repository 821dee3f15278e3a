// `npm run alerts`: the evaluator with the shipped rules and policy, configured from the environment.
import { pino } from 'pino';
import { startEvaluator } from './evaluator.ts';
import { optionsFromEnv } from './options.ts';

const log = pino({ name: 'shopscope-alerts', level: process.env.ALERTS_LOG_LEVEL ?? 'info' });
try {
  const evaluator = await startEvaluator(optionsFromEnv(process.env), { logger: log });
  process.on('SIGHUP', () => {
    evaluator.reload().then(
      (r) => log.info({ event: 'alert.reloaded', ...r }, 'reloaded on SIGHUP'),
      (err) => log.error({ err }, 'reload failed'),
    );
  });
  const shutdown = (signal: string) => {
    log.info({ signal }, 'stopping');
    evaluator.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
} catch (err) {
  const e = err as Error & { code?: string };
  log.fatal({ code: e.code }, e.message);
  process.exit(1);
}
