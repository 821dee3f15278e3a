import { fileURLToPath } from 'node:url';

/** Where the package's shipped files are, whatever the working directory. */
export const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
export const SHIPPED_RULES_DIR = fileURLToPath(new URL('../rules', import.meta.url));
export const SHIPPED_TESTS_DIR = fileURLToPath(new URL('../tests', import.meta.url));
export const SHIPPED_POLICY = fileURLToPath(new URL('../policy.yml', import.meta.url));
export const SHIPPED_SLO = fileURLToPath(new URL('../slo.yml', import.meta.url));
export const GENERATED_SLO_RULES = fileURLToPath(new URL('../rules/slo.generated.rules.yml', import.meta.url));
/** The repository's `.data/` folder, where every part keeps its state. */
export const DEFAULT_STATE_FILE = fileURLToPath(new URL('../../.data/alerts/state.db', import.meta.url));
