/**
 * Every error the alerts package reports, with a stable code. README.md lists the same codes;
 * test/errors.test.ts fails when the two disagree.
 */
export const errorCodes = {
  SHOPSCOPE_ERR_RULE_FILE_UNREADABLE: 'a rule file could not be read or is not valid YAML',
  SHOPSCOPE_ERR_RULE_GROUP_INVALID: 'a rule group does not follow the rule-file format',
  SHOPSCOPE_ERR_RULE_EXPR_INVALID: 'a rule expression is not valid PromQL or LogsQL',
  SHOPSCOPE_ERR_RULE_TEMPLATE_INVALID: 'a label or annotation template cannot be parsed',
  SHOPSCOPE_ERR_POLICY_INVALID: 'the notification policy file is missing or invalid',
  SHOPSCOPE_ERR_SLO_INVALID: 'the SLO file is invalid',
  SHOPSCOPE_ERR_CONFIG_INVALID: 'an option or environment variable has a bad value',
  SHOPSCOPE_ERR_SILENCE_INVALID: 'a silence request is invalid',
  SHOPSCOPE_ERR_SILENCE_NOT_FOUND: 'no silence has this id',
  SHOPSCOPE_ERR_SILENCE_LIMIT: 'too many active silences: expire some first',
  SHOPSCOPE_ERR_QUERY_FAILED: 'a query to Prometheus or VictoriaLogs failed',
  SHOPSCOPE_ERR_NOT_FOUND: 'no such HTTP route',
  SHOPSCOPE_ERR_BAD_REQUEST: 'the HTTP request is malformed (body not valid JSON or too large, bad URL)',
  SHOPSCOPE_ERR_UNAUTHORIZED: 'a change through the API without the right Bearer token',
  SHOPSCOPE_ERR_API_TOKEN_UNSET: 'changes through the API are refused: no SHOPSCOPE_ALERTS_TOKEN is set',
  SHOPSCOPE_ERR_FORBIDDEN_HOST: 'the Host header names neither the bound address nor localhost',
  SHOPSCOPE_ERR_UNSUPPORTED_MEDIA_TYPE: 'a request body that is not application/json',
  SHOPSCOPE_ERR_STATE_STORE: 'the state database could not be read or written',
  SHOPSCOPE_ERR_INTERNAL: 'an unexpected error in the evaluator',
  SHOPSCOPE_ERR_PROMTOOL_MISSING: 'promtool is not installed (apt-get install prometheus)',
} as const;

export type ErrorCode = keyof typeof errorCodes;

export class AlertsError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AlertsError';
    this.code = code;
  }
}
