import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  createAlwaysRecordSampler,
  type Sampler,
} from '@opentelemetry/sdk-trace';
import type { AgentConfig } from '../config/env.ts';

// Sampling decides what is exported, not what is measured: spans the sampler drops are still
// recorded (never exported), so client and database RED metrics, which are read from ended
// spans, count every call whatever the sampling ratio.

export function createSampler(traces: AgentConfig['traces']): Sampler {
  if (!traces.exportEnabled) return createAlwaysRecordSampler(new AlwaysOffSampler());
  return createAlwaysRecordSampler(chooseSampler(traces));
}

function chooseSampler(traces: AgentConfig['traces']): Sampler {
  switch (traces.sampler) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(traces.samplerRatio);
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(traces.samplerRatio) });
  }
}
