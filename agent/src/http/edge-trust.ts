import { ROOT_CONTEXT, propagation, trace, type Baggage, type Context, type Link } from '@opentelemetry/api';

// What a service at the edge (SHOPSCOPE_TRUST_INBOUND_TRACE=false: the gateway, which outside
// clients call directly) takes from a caller's propagated context. By default a service adopts
// the caller's `traceparent` as its parent, sampled flag and trace id included: from the open
// internet that lets anyone force every request to be sampled or pick the trace ids a shop
// writes, and `baggage` lets them plant entries every service downstream reads. At the edge a
// request starts a new trace instead (the sampler decides afresh, the agent picks the id), and
// the caller's span context is kept only as a span link, so a trace can still be followed back
// when the caller really is a traced client; of the caller's baggage only allow-listed keys stay.
//
// SHOPSCOPE_TRUST_INBOUND_TRACE=same-origin relaxes this for one kind of caller: a request the
// browser marks as sent by the service's own pages (`Sec-Fetch-Site: same-origin`, a header page
// scripts cannot set) adopts the caller's span as its parent, so a page's fetch span (real-user
// monitoring) and the server span form one trace. Its limit: a client other than a browser can
// send the same header and so choose its trace id and sampled flag, as with any RUM set-up.
// Baggage stays filtered by the allow-list either way.

export interface Admitted {
  /** The context to start the server span in: no span, only the allowed baggage. */
  parent: Context;
  /** The caller's span, linked instead of adopted (undefined when it sent none or an invalid one). */
  links: Link[] | undefined;
}

/**
 * Admits an extracted inbound context at the edge. `fetchSite`: the request's `Sec-Fetch-Site`
 * header, which decides when same-origin callers are trusted.
 */
export type EdgeAdmission = (extracted: Context, fetchSite?: string) => Admitted;

export interface EdgeOptions {
  /** Adopt the caller's span as parent when the browser says the request is same-origin. */
  trustSameOrigin?: boolean;
}

/** `allowlist`: baggage keys kept (`name` exactly, or `prefix*`); empty keeps none. */
export function createEdgeAdmission(allowlist: readonly string[], options: EdgeOptions = {}): EdgeAdmission {
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

  return (extracted, fetchSite) => {
    const caller = trace.getSpanContext(extracted);
    const valid = caller !== undefined && trace.isSpanContextValid(caller);
    const baggage = allowedBaggage(propagation.getBaggage(extracted));
    const context = baggage === undefined ? ROOT_CONTEXT : propagation.setBaggage(ROOT_CONTEXT, baggage);
    if (valid && options.trustSameOrigin === true && fetchSite === 'same-origin') {
      // the caller's tracestate is dropped with the rest of its context
      return { parent: trace.setSpanContext(context, { ...caller, traceState: undefined }), links: undefined };
    }
    return { parent: context, links: valid ? [{ context: caller }] : undefined };
  };
}
