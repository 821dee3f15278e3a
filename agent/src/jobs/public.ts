import { startAgent } from '../agent.ts';
import type { JobDeclaration, JobOptions, JobRun } from './jobs.ts';

export type { JobDeclaration, JobOptions, JobRun, JobTrigger } from './jobs.ts';

// The batch-job API of the package's main entry (importing it starts the agent, as api.ts does).

const agent = startAgent();

/**
 * Runs `fn` as one run of batch job `name`: a new trace (root span `job <name>`, `run.step()`
 * child spans), the job_* metrics and log lines with the run id. Resolves or rejects as `fn` does.
 */
export function runJob<T>(name: string, fn: (run: JobRun) => T | Promise<T>, options?: JobOptions): Promise<T> {
  return agent.jobs.run(name, fn, options);
}

/** Creates the job's series at zero before its first run and records its schedule's period. */
export function declareJob(name: string, declaration?: JobDeclaration): void {
  agent.jobs.declare(name, declaration);
}
