import { MySQL2Instrumentation } from '@opentelemetry/instrumentation-mysql2';
import { withParentOnly } from './parent-only.ts';

// mysql2: `maskStatement` replaces every number and quoted string in the statement with `?`
// (by default the instrumentation would format the bind values into `db.query.text`), and the
// tracer only makes spans inside a trace (the instrumentation has no requireParentSpan).
export function mysql2Instrumentation(): MySQL2Instrumentation {
  return withParentOnly(new MySQL2Instrumentation({ maskStatement: true }));
}
