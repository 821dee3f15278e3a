import { redactCards } from './cards.ts';
import { redactEmails } from './emails.ts';
import { redactPairs } from './pairs.ts';
import type { KeyPredicate } from './sensitive-keys.ts';
import { redactSchemesAndCodes, redactTokens, redactUserinfo } from './shapes.ts';

// The text rules, in order. Each step is linear in the length of the text (see each file), so
// the whole is too. The order matters where rules overlap:
//   1. URL userinfo before e-mails (`https://user:pass@example.com` is not an address);
//   2. token shapes before pairs (`token=eyJ…` keeps the more telling `[REDACTED:jwt]`);
//   3. cards before pairs (`{"pan":"4111…"}` → `[REDACTED:card]`);
//   4. auth schemes and security codes before e-mails (`x@y.cvv123` must not become an
//      address once the code is gone); 5. e-mails; 6. secret pairs and header lines.
// Pairs skip a value that is already a `[REDACTED…]` label, so running the rules twice (a log
// field later copied into a span) changes nothing.
//
// Most strings a service logs are short and clean (`o-48213`, `GET /products/:id`, an ISO
// time), so which rules can apply at all is decided first, for strings up to SCAN_LIMIT
// characters by one pass over their characters, for longer ones by one regular expression; a
// rule that cannot match is not run.

/** Nothing shorter can hold a secret: `pwd=x` is 5 characters. */
const MIN_LENGTH = 5;
const SCAN_LIMIT = 256;

const USERINFO = 1;
const TOKENS = 2;
const CARDS = 4;
const SCHEMES = 8;
const EMAILS = 16;
const PAIRS = 32;
const ALL = USERINFO | TOKENS | CARDS | SCHEMES | EMAILS | PAIRS;

/** For long strings: without any of these, no rule can match. */
const ANY_HINT = /[@=:%]|\d{3}|eyj|xox|[sr]k_|whsec_|a[ks]ia|gh[pousr]_|github_pat_|bearer|basic|token|cv[vc]|csc|security/i;

/**
 * The rules that may match `text`, from its characters: `@` `%` (addresses, userinfo), `=` `:`
 * (pairs), `_` and the `eyJ`/`xox`/`A?IA` prefixes (tokens), 13+ digits with a run of 3 (cards),
 * a run of 3 digits or a blank (security codes, auth schemes). A superset: each rule still
 * checks exactly.
 */
function applicable(text: string): number {
  let flags = 0;
  let digits = 0;
  let run = 0;
  let longestRun = 0;
  let at = false;
  let colon = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      digits++;
      if (++run > longestRun) longestRun = run;
      continue;
    }
    run = 0;
    switch (c) {
      case 64: // @
        at = true;
        flags |= EMAILS;
        break;
      case 37: // %
        flags |= EMAILS;
        break;
      case 58: // :
        colon = true;
        flags |= PAIRS;
        break;
      case 61: // =
        flags |= PAIRS;
        break;
      case 95: // _
        flags |= TOKENS;
        break;
      case 32: // space
      case 9: // tab
        flags |= SCHEMES;
        break;
      case 74: // J of eyJ
        if (i >= 2 && text.charCodeAt(i - 1) === 121 && text.charCodeAt(i - 2) === 101) flags |= TOKENS;
        break;
      case 120: // second x of xox
        if (i >= 2 && text.charCodeAt(i - 1) === 111 && text.charCodeAt(i - 2) === 120) flags |= TOKENS;
        break;
      case 65: // last A of AKIA / ASIA
        if (i >= 3 && text.charCodeAt(i - 1) === 73 && text.charCodeAt(i - 3) === 65) flags |= TOKENS;
        break;
    }
  }
  if (at && colon) flags |= USERINFO;
  if (longestRun >= 3) {
    flags |= SCHEMES;
    if (digits >= 13) flags |= CARDS;
  }
  return flags;
}

export function createTextRedactor(isSecretKey: KeyPredicate): (text: string) => string {
  return (text) => {
    if (text.length < MIN_LENGTH) return text;
    let rules: number;
    if (text.length <= SCAN_LIMIT) {
      rules = applicable(text);
      if (rules === 0) return text;
    } else {
      if (!ANY_HINT.test(text)) return text;
      rules = ALL;
    }
    let out = text;
    if (rules & USERINFO && out.indexOf('@') !== -1 && out.indexOf('://') !== -1) out = redactUserinfo(out);
    if (rules & TOKENS) out = redactTokens(out);
    if (rules & CARDS) out = redactCards(out);
    if (rules & SCHEMES) out = redactSchemesAndCodes(out);
    if (rules & EMAILS && (out.indexOf('@') !== -1 || out.indexOf('%40') !== -1)) out = redactEmails(out);
    if (rules & PAIRS) out = redactPairs(out, isSecretKey);
    return out;
  };
}
