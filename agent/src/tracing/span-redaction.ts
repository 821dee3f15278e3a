import type { Attributes, AttributeValue, Link } from '@opentelemetry/api';
import { REDACTED, redactNumber, type Redaction } from '../logging/redact.ts';
import type { LeanSpan } from './lean-span.ts';

// Spans get the log lines' redaction before they leave the process: a secret in a URL query
// (`url.full`, `url.query`, `http.target`, `url.path`), in a SQL text, an exception message or
// stack, a status message or any attribute the app sets (`span.setAttribute('card', …)`) is
// removed the same way; an attribute whose key names a secret
// (`http.request.header.authorization`) loses its value. It runs on a sampled span that got an
// export slot, just before it is encoded (encoding-span-processor.ts), once the span has ended
// and every other end listener (span metrics) has read it: spans that are never exported cost
// nothing. Attributes the agent sets itself from values it controls are skipped.

const AGENT_OWN = new Set([
  'http.request.method',
  'http.response.status_code',
  'http.route',
  'server.address',
  'server.port',
  'peer.service',
  'network.peer.address',
  'network.peer.port',
  'network.protocol.version',
  'url.scheme',
  'db.system',
  'db.system.name',
  'db.operation.name',
]);

export type SpanRedactor = (span: LeanSpan) => void;

export function createSpanRedactor(redaction: Redaction): SpanRedactor {
  const { text, isSecretKey } = redaction;

  function clean(key: string, value: AttributeValue): AttributeValue {
    if (isSecretKey(key)) return value === '' ? value : REDACTED;
    switch (typeof value) {
      case 'string':
        return text(value);
      case 'number':
        return redactNumber(value);
      case 'boolean':
        return value;
      default: {
        let copy: Array<string | number | boolean | null | undefined> | undefined;
        for (let i = 0; i < value.length; i++) {
          const item = value[i];
          const next = typeof item === 'string' ? text(item) : typeof item === 'number' ? redactNumber(item) : item;
          if (next !== item) (copy ??= value.slice())[i] = next;
        }
        return (copy ?? value) as AttributeValue;
      }
    }
  }

  /** Cleans `attributes` in place (they belong to the span: copies made when set). */
  function cleanAttributes(attributes: Attributes, skipOwn: boolean): void {
    for (const key in attributes) {
      const value = attributes[key];
      if (value === undefined || value === null || (skipOwn && AGENT_OWN.has(key))) continue;
      const next = clean(key, value);
      if (next !== value) attributes[key] = next;
    }
  }

  /** Links hold the caller's attribute objects: cleaned into copies. */
  function cleanLink(link: Link): Link {
    if (!link.attributes) return link;
    const attributes = { ...link.attributes };
    cleanAttributes(attributes, false);
    return { ...link, attributes };
  }

  return (span) => {
    span.name = text(span.name);
    cleanAttributes(span.attributes, true);
    if (span.events) for (const event of span.events) if (event.attributes) cleanAttributes(event.attributes, false);
    if (span.links) span.links = span.links.map(cleanLink);
    const message = span.status.message;
    if (message) span.status = { code: span.status.code, message: text(message) };
  };
}
