import { Cron } from 'croner';

export interface Schedule {
  /** The cron pattern (5 fields, or 6 with seconds first), evaluated in UTC. */
  pattern: string;
  /** The longest gap between two of the next runs: what "a run is overdue" is measured against. */
  periodSeconds: number;
}

/** Reads a cron setting; `off` turns the schedule off. A bad pattern is one error naming the setting. */
export function parseSchedule(setting: string, text: string): Schedule | undefined {
  const pattern = text.trim();
  if (pattern === 'off') return undefined;
  let runs: Date[];
  try {
    runs = new Cron(pattern, { timezone: 'UTC', paused: true }).nextRuns(8);
  } catch (err) {
    throw new Error(
      `${setting} must be a cron pattern such as "0 2 * * *" (or "off"), got ${JSON.stringify(text)}: ${(err as Error).message}`,
    );
  }
  if (runs.length < 2) throw new Error(`${setting}: the cron pattern ${JSON.stringify(text)} does not repeat`);
  let period = 0;
  for (let i = 1; i < runs.length; i++) period = Math.max(period, (runs[i]!.getTime() - runs[i - 1]!.getTime()) / 1000);
  return { pattern, periodSeconds: period };
}
