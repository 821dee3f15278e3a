/**
 * API keys for the gateway's consumers, from `SHOPSCOPE_API_KEYS=name:key,name:key`: a key
 * identifies a consumer (its name is the `consumer` label on the gateway's metrics and the
 * rate limiter's bucket; the key itself is never shown). A bad list stops the gateway with one
 * line naming the problem.
 */
export type ApiKeys = ReadonlyMap<string, string>;

const NAME = /^[A-Za-z0-9_-]{1,32}$/;
const KEY = /^[\x21-\x7e]{12,128}$/;
/** Names the gateway uses itself. */
const RESERVED = new Set(['anonymous', 'other']);

/** Key → consumer name. */
export function parseApiKeys(raw: string | undefined): ApiKeys {
  const keys = new Map<string, string>();
  if (!raw || !raw.trim()) return keys;
  const names = new Set<string>();
  for (const [i, entry] of raw.split(',').entries()) {
    const where = `SHOPSCOPE_API_KEYS entry ${i + 1}`;
    const colon = entry.indexOf(':');
    if (colon === -1) throw new Error(`${where} must be name:key`);
    const name = entry.slice(0, colon).trim();
    const key = entry.slice(colon + 1).trim();
    if (!NAME.test(name)) throw new Error(`${where}: the name must be 1-32 letters, digits, "_" or "-"`);
    if (RESERVED.has(name)) throw new Error(`${where}: the name ${JSON.stringify(name)} is reserved`);
    if (!KEY.test(key) || key.includes(','))
      throw new Error(`${where} (${name}): the key must be 12-128 printable characters, no spaces or commas`);
    if (names.has(name)) throw new Error(`${where}: the name ${JSON.stringify(name)} appears twice`);
    if (keys.has(key)) throw new Error(`${where} (${name}): the same key is given to another consumer`);
    names.add(name);
    keys.set(key, name);
  }
  return keys;
}
