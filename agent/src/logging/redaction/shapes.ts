import { JWT_LABEL, REDACTED, TOKEN_LABEL } from './labels.ts';

// Secrets recognised by their shape in any text: passwords in URL userinfo, well-known token
// formats, credentials after an HTTP auth scheme, and card security codes after their name.
//
// These are regular expressions that run in linear time on V8's backtracking engine, by
// construction:
// - each starts with a negative lookbehind on its own character class (`(?<![A-Za-z0-9_\]-])`),
//   so it is tried only where a run of those characters begins, never again inside the run
//   (`]` counts as part of a run: text glued to a `[REDACTED]` label stays as it was glued to
//   the secret, so redacting twice changes nothing);
// - no quantified group contains another quantifier over overlapping characters, and every
//   gap between two parts is one bounded class (`[ \t"':=#]{0,8}`), so a failed attempt gives
//   back at most the run it scanned;
// - after a match, scanning resumes behind it.
// A run is therefore scanned by the attempt that starts at it (and, for a JWT, by the two
// attempts before it); `bench/agent-redaction.ts` checks this with adversarial inputs.

/** `scheme://user:password@` → the password goes, scheme and user stay. */
const USERINFO = /(?<![A-Za-z0-9+.\]-])([A-Za-z][A-Za-z0-9+.-]{0,30}:\/\/[^\s:@/?#[\]]*:)([^\s@/?#[\]]+)@/g;

/**
 * Token formats (case-sensitive): JWTs, Slack (`xoxb-…`), Stripe secret and restricted keys
 * (`sk_live_…`, `rk_test_…`) and webhook secrets (`whsec_…`), AWS access key ids (`AKIA…`,
 * `ASIA…`), GitHub tokens (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`, `github_pat_`).
 */
const TOKENS =
  /(?<![A-Za-z0-9_\]-])(?:(eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*)|xox[abposr]-[A-Za-z0-9-]{10,}|[sr]k_(?:live|test)_[A-Za-z0-9]{10,}|whsec_[A-Za-z0-9]{20,}|(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])|gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})/g;

/**
 * Case-insensitive: `Bearer <token>`, `Basic <base64>`, `Token <token>` (the HTTP auth schemes
 * in text), and `cvv 123`, `CVC: 1234`, `security code 123` (3–4 digits after the name).
 */
const SCHEMES_AND_CODES =
  /(?<![A-Za-z0-9_\]-])(?:(bearer|basic|token)([ \t]{1,4})([A-Za-z0-9\-._~+/]+=*)|(cvv2?|cvc2?|csc|security[ _-]?code)([ \t"':=#]{0,8})(\d{3,4})(?!\d))/gi;

/** Cheap pre-checks: without a match here, the full pattern cannot match either. */
const TOKEN_HINT = /eyJ|xox[abposr]-|[sr]k_(?:live|test)_|whsec_|A[KS]IA|gh[pousr]_|github_pat_/;
const SCHEME_HINT = /bearer|basic|token|cv[vc]|csc|security/i;

export function redactUserinfo(text: string): string {
  return text.replace(USERINFO, (_m, head: string) => `${head}${REDACTED}@`);
}

export function redactTokens(text: string): string {
  if (!TOKEN_HINT.test(text)) return text;
  return text.replace(TOKENS, (_m, jwt: string | undefined) => (jwt === undefined ? TOKEN_LABEL : JWT_LABEL));
}

export function redactSchemesAndCodes(text: string): string {
  if (!SCHEME_HINT.test(text)) return text;
  let out = '';
  let copied = 0;
  SCHEMES_AND_CODES.lastIndex = 0;
  for (let m = SCHEMES_AND_CODES.exec(text); m !== null; m = SCHEMES_AND_CODES.exec(text)) {
    const [match, scheme, gap, value, code, codeGap] = m;
    if (code !== undefined) {
      out += text.slice(copied, m.index) + code + (codeGap ?? '') + REDACTED;
      copied = m.index + match.length;
    } else if (scheme !== undefined && value !== undefined && schemeCredential(scheme, value)) {
      out += text.slice(copied, m.index) + scheme + (gap ?? ' ') + REDACTED;
      copied = m.index + match.length;
    } else {
      // Prose (`Basic plan`): the next attempt starts right after the word, so the words after
      // it (`Basic Bearer x`) are still looked at.
      SCHEMES_AND_CODES.lastIndex = m.index + (scheme?.length ?? 1);
    }
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/**
 * Whether `value` after `scheme` is a credential rather than prose: a Bearer value of 6+
 * characters; a Basic value that decodes to `user:password`; a `Token` (capitalised, as in the
 * header) value of 16+ characters with a digit in it ("token expired" stays).
 */
function schemeCredential(scheme: string, value: string): boolean {
  switch (scheme.toLowerCase()) {
    case 'bearer':
      return value.length >= 6;
    case 'basic':
      return value.length >= 4 && value.length <= 4096 && Buffer.from(value, 'base64').toString('latin1').includes(':');
    default:
      return scheme === 'Token' && value.length >= 16 && /\d/.test(value);
  }
}
