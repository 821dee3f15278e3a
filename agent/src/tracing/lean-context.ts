import type { Context } from '@opentelemetry/api';

// A Context that is one link of a chain: its own key and value, the rest from its parent.
// The API's own BaseContext copies its whole Map and makes three closures on every setValue;
// a request's context is derived several times (its span, its record, each business span and
// outbound call), so the agent roots each request's context in one of these instead and every
// context derived from it is one small object. Lookups walk the chain, which is as deep as the
// call tree (a handful of links). Behaviour is the API's: values are immutable per context,
// and a deleted key reads as undefined.

export class LeanContext implements Context {
  private constructor(
    private readonly parent: Context,
    private readonly key: symbol | undefined,
    private readonly value: unknown,
  ) {}

  /** `parent` with `key` set, as a chain link (so later setValue calls are cheap too). */
  static derive(parent: Context, key: symbol, value: unknown): Context {
    return new LeanContext(parent, key, value);
  }

  /** `parent` itself if it is a chain link already, else a link that adds nothing to it. */
  static over(parent: Context): Context {
    return parent instanceof LeanContext ? parent : new LeanContext(parent, undefined, undefined);
  }

  getValue(key: symbol): unknown {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- walking the chain
    let link: Context = this;
    while (link instanceof LeanContext) {
      if (link.key === key) return link.value;
      link = link.parent;
    }
    return link.getValue(key);
  }

  setValue(key: symbol, value: unknown): Context {
    return new LeanContext(this, key, value);
  }

  deleteValue(key: symbol): Context {
    return new LeanContext(this, key, undefined);
  }
}
