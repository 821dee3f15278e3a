// `npm run job -- settlement [--day YYYY-MM-DD]`: runs a shop job now, inside the running shop
// (the gateway's admin route, behind SHOPSCOPE_ADMIN_TOKEN), so the run's trace, logs and
// metrics come from the service that owns the job. Prints one summary line; exits 0 when the
// run succeeded, 1 otherwise. Nothing to build: it only speaks HTTP.
import { parseArgs } from 'node:util';

const JOBS = ['settlement'];
const usage = 'usage: npm run job -- settlement [--day YYYY-MM-DD]';

function fail(line) {
  console.error(line);
  process.exit(1);
}

let parsed;
try {
  parsed = parseArgs({ args: process.argv.slice(2), allowPositionals: true, options: { day: { type: 'string' } } });
} catch (err) {
  fail(`${err.message}\n${usage}`);
}
const [job, ...extra] = parsed.positionals;
if (!JOBS.includes(job) || extra.length > 0) fail(`unknown job ${JSON.stringify(job ?? '')}: jobs are ${JOBS.join(', ')}\n${usage}`);
const day = parsed.values.day;
if (day !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(day)) fail(`--day must be YYYY-MM-DD, got ${JSON.stringify(day)}`);

const gateway = process.env.SHOPSCOPE_GATEWAY_URL || `http://127.0.0.1:${process.env.SHOPSCOPE_GATEWAY_PORT || '8080'}`;
const token = process.env.SHOPSCOPE_ADMIN_TOKEN || 'shopscope-admin';
let response;
try {
  response = await fetch(`${gateway}/admin/jobs/${job}/run`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(day === undefined ? {} : { day }),
    signal: AbortSignal.timeout(150_000),
  });
} catch (err) {
  fail(`job ${job}: the shop does not answer at ${gateway} (${err.cause?.code ?? err.message}); start it with npm start or npm run shop`);
}
const body = await response.json().catch(() => undefined);
if (!response.ok || body === undefined) fail(`job ${job}: ${gateway} answered ${response.status}: ${body?.error?.message ?? 'no JSON'}`);
if (body.status === 'success') {
  const s = body.summary;
  console.log(
    `job ${job} ${s.day}: success, ${s.orders} orders (confirmed ${s.confirmedTotalCents} cents), ${s.payments} payments (approved ${s.approvedAmountCents} cents), run ${body.runId}`,
  );
  process.exit(0);
}
fail(`job ${job} ${body.day}: failure, ${body.error?.code}: ${body.error?.message}, run ${body.runId}`);
