// The package's public surface; the wiring lives in evaluator.ts.
export { startEvaluator, type Evaluator, type StartHooks } from './evaluator.ts';
export { DEFAULTS, optionsFromEnv, resolveOptions, type EvaluatorOptions } from './options.ts';
export { AlertsError, errorCodes, type ErrorCode } from './errors.ts';
export { loadRules } from './rules/load.ts';
export { parseRuleFile } from './rules/parse.ts';
export { formatProblem, type RuleGroup, type RuleProblem } from './rules/types.ts';
export { runPromtoolTests } from './rules/promtool-test.ts';
export { burnRateRules, burnRateRulesYaml } from './slo/burn-rate-rules.ts';
export { readSloFile, type Slo } from './slo/schema.ts';
export { SHIPPED_SLO } from './paths.ts';
export { parsePolicy, readPolicyFile, type Policy } from './policy/policy.ts';
