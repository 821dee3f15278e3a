// The propagation headers of an inbound request (traceparent, tracestate, baggage: the global
// propagator's fields), read from `request.rawHeaders`. Node builds `request.headers` on first
// access, an object of every header, which cost more than this scan on the request path; most
// requests carry none of these headers, and then nothing is built at all. Names match
// case-insensitively and a repeated header is joined with ", ", as in `request.headers`.

export type PropagationHeaderReader = (rawHeaders: readonly string[]) => Record<string, string> | undefined;

export function propagationHeaderReader(fields: readonly string[]): PropagationHeaderReader {
  const names = new Set(fields.map((field) => field.toLowerCase()));
  const lengths = new Set([...names].map((name) => name.length));
  return (rawHeaders) => {
    let found: Record<string, string> | undefined;
    for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
      const raw = rawHeaders[i]!;
      if (!lengths.has(raw.length)) continue;
      const name = names.has(raw) ? raw : raw.toLowerCase();
      if (!names.has(name)) continue;
      found ??= {};
      const previous = found[name];
      found[name] = previous === undefined ? rawHeaders[i + 1]! : `${previous}, ${rawHeaders[i + 1]!}`;
    }
    return found;
  };
}
