// Which key names name a secret. One rule for object keys (log fields, span and log-record
// attributes) and for `key=value` / `key: value` pairs found inside text, so a name redacted
// in one place is redacted everywhere. Matching ignores case and separators: a key is split
// into words (at `_`, `-`, `.`, spaces and camelCase humps) and also joined into one lowercase
// run, so `apiKey`, `api_key`, `API-KEY` and `x-api-key` are all `apikey`.

/** Anywhere in the joined key: `db_password`, `clientSecret`, `x-auth-token`, `set-cookie`, … */
const CONTAINED = [
  'password',
  'passwd',
  'passphrase',
  'secret',
  'token',
  'cookie',
  'credential',
  'apikey',
  'privatekey',
  'sessionid',
  'securitycode',
  'authorization',
  'cardnumber',
  'signature',
] as const;

/** Whole words only (`pin` but not `shipping`, `pass` but not `passenger`). */
const WORDS = new Set([
  'pwd',
  'pass',
  'passcode',
  'pin',
  'pan',
  'cvv',
  'cvv2',
  'cvc',
  'cvc2',
  'csc',
  'cid',
  'otp',
  'ssn',
  'iban',
  'sig',
  'jwt',
]);

/** The whole key only (`auth`, but not `auth_method` or `author`). */
const WHOLE = new Set(['auth', 'ccnumber', 'ccnum']);

/** At the end of the joined key: `card_no`, `cardNum`. */
const ENDINGS = ['cardnum', 'cardno'] as const;

/** Header names whose value runs to the end of the line when they appear as `Name: value` text. */
export const HEADER_LINE_KEYS: ReadonlySet<string> = new Set(['authorization', 'proxyauthorization', 'cookie', 'setcookie']);

const MAX_MEMO = 5000;

/** `x-API_key` → `xapikey`: lowercase, letters and digits only. */
export function joinedKey(key: string): string {
  return key.toLowerCase().replace(/[^a-z0-9]+/g, '');
}

/** `clientSecretV2` → ['client', 'secret', 'v2']; `APIKey` → ['api', 'key']. */
export function keyWords(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

function namesSecret(key: string, extra: ReadonlySet<string>): boolean {
  const joined = joinedKey(key);
  if (joined.length === 0) return false;
  if (WHOLE.has(joined) || extra.has(joined)) return true;
  for (const part of CONTAINED) if (joined.includes(part)) return true;
  for (const ending of ENDINGS) if (joined.endsWith(ending)) return true;
  for (const word of keyWords(key)) if (WORDS.has(word)) return true;
  return false;
}

export type KeyPredicate = (key: string) => boolean;

/**
 * The predicate, with `extra` names (SHOPSCOPE_REDACT's key names, matched the same
 * case- and separator-insensitive way). Verdicts are memoised per spelling (bounded): log and
 * attribute keys repeat endlessly.
 */
export function createKeyPredicate(extra: readonly string[] = []): KeyPredicate {
  const extraJoined = new Set(extra.map(joinedKey).filter(Boolean));
  const verdicts = new Map<string, boolean>();
  return (key) => {
    let verdict = verdicts.get(key);
    if (verdict === undefined) {
      verdict = namesSecret(key, extraJoined);
      if (verdicts.size < MAX_MEMO) verdicts.set(key, verdict);
    }
    return verdict;
  };
}
