import { ROOT_CONTEXT, propagation, trace, type Baggage, type Context, type Link } from '@opentelemetry/api';

// What a service at the edge (SHOPSCOPE_TRUST_INBOUND_TRACE=false: the gateway, which outside
// clients call directly) takes from a caller's propagated context. By default a service adopts
// the caller's `traceparent` as its parent, sampled flag and trace id included: from the open
// internet that lets anyone force every request to be sampled or pick the trace ids a shop
// writes, and `baggage` lets them plant entries every service downstream reads. At the edge a
// request starts a new trace instead (the sampler decides afresh, the agent picks the id), and
// the caller's span context is kept only as a span link, so a trace can still be followed back
// when the caller really is a traced client; of the caller's baggage only allow-listed keys stay.

export interface Admitted {
  /** The context to start the server span in: no span, only the allowed baggage. */
  parent: Context;
  /** The caller's span, linked instead of adopted (undefined when it sent none or an invalid one). */
  links: Link[] | undefined;
}

/** Admits an extracted inbound context at the edge. */
export type EdgeAdmission = (extracted: Context) => Admitted;

/** `allowlist`: baggage keys kept (`name` exactly, or `prefix*`); empty keeps none. */
export function createEdgeAdmission(allowlist: readonly string[]): EdgeAdmission {
  const exact = new Set(allowlist.filter((key) => !key.endsWith('*')));
  const prefixes = allowlist.filter((key) => key.endsWith('*')).map((key) => key.slice(0, -1));
  const keeps = (key: string): boolean => exact.has(key) || prefixes.some((prefix) => key.startsWith(prefix));
  const anyAllowed = allowlist.length > 0;

  function allowedBaggage(baggage: Baggage | undefined): Baggage | undefined {
    if (!anyAllowed || baggage === undefined) return undefined;
    let kept: Baggage | undefined;
    for (const [key, entry] of baggage.getAllEntries()) {
      if (keeps(key)) kept = (kept ?? propagation.createBaggage()).setEntry(key, entry);
    }
    return kept;
  }

  return (extracted) => {
    const caller = trace.getSpanContext(extracted);
    const links = caller !== undefined && trace.isSpanContextValid(caller) ? [{ context: caller }] : undefined;
    const baggage = allowedBaggage(propagation.getBaggage(extracted));
    return { parent: baggage === undefined ? ROOT_CONTEXT : propagation.setBaggage(ROOT_CONTEXT, baggage), links };
  };
}
