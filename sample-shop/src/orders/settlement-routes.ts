import { z } from 'zod';
import type { FastifyPluginAsync } from 'fastify';
import { parseInput } from '../shared/validation.ts';
import { settlementDay, yesterday } from './settlement.ts';
import type { SettlementJob } from './settlement-job.ts';

const runBody = z.object({ day: settlementDay.optional() }).strict();

/**
 * `POST /jobs/settlement/run` `{ day? }`: one run now (default: yesterday, UTC). The answer is
 * 200 with the run's outcome in `status` either way: the request worked, the run may not have.
 */
export const settlementRoutes: FastifyPluginAsync<{ job: SettlementJob }> = async (app, { job }) => {
  app.post('/jobs/settlement/run', async (request) => {
    const { day } = parseInput(runBody, request.body ?? {}, 'body');
    return job.run(day ?? yesterday(), 'manual');
  });
};
