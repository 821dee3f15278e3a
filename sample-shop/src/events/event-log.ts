import { telemetry } from '../shared/telemetry.ts';

/**
 * Where the events' few lines go (the relay's outage lines, the Kafka client's warnings): the
 * agent's convention logger when the service runs under it, else stderr, so an outage is never
 * silent.
 */
export function eventLog(level: 'info' | 'warn' | 'error', fields: Record<string, unknown>, message: string): void {
  if (telemetry.active) telemetry.log(level, fields, message);
  else process.stderr.write(`${JSON.stringify({ level, ...fields, msg: message })}\n`);
}
