// The replacement texts, one per kind of secret, so a reader of a log line knows what was there.

export const REDACTED = '[REDACTED]';
export const CARD_LABEL = '[REDACTED:card]';
export const EMAIL_LABEL = '[REDACTED:email]';
export const JWT_LABEL = '[REDACTED:jwt]';
export const TOKEN_LABEL = '[REDACTED:token]';
