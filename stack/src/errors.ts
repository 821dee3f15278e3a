// Every error the stack tooling reports, with a stable code. README.md lists the same codes;
// test/errors.test.ts keeps the two in step.

export const errorCodes = {
  SHOPSCOPE_ERR_GO_MISSING: 'the Go toolchain is missing or too old',
  SHOPSCOPE_ERR_REGISTRY_UNREACHABLE: 'the Go module proxy (or apt) could not be reached or refused a module',
  SHOPSCOPE_ERR_BUILD_FAILED: 'a build command failed',
  SHOPSCOPE_ERR_PACKAGE_MISSING: 'a Debian package is missing and cannot be installed here',
  SHOPSCOPE_ERR_CONFIG_INVALID: 'an environment variable or option has an invalid value',
  SHOPSCOPE_ERR_UNKNOWN_COMPONENT: 'a component name is not one of the stack components',
  SHOPSCOPE_ERR_NOT_BUILT: 'a component binary is not built yet',
  SHOPSCOPE_ERR_START_FAILED: 'a component exited or never became healthy while starting',
  SHOPSCOPE_ERR_BUSY: 'another build holds the build lock for too long',
} as const;

export type ErrorCode = keyof typeof errorCodes;

export class StackError extends Error {
  readonly code: ErrorCode;
  readonly component: string | undefined;
  /** Last lines of the component's log or the failing command's output. */
  readonly logTail: string | undefined;

  constructor(code: ErrorCode, message: string, details: { component?: string; logTail?: string } = {}) {
    super(message);
    this.name = 'StackError';
    this.code = code;
    this.component = details.component;
    this.logTail = details.logTail;
  }
}

/** One line for a person, plus the log tail when there is one. */
export function describeError(err: unknown): string {
  if (err instanceof StackError) {
    const head = `shopscope: ${err.message} [${err.code}]`;
    return err.logTail ? `${head}\n--- last lines ---\n${err.logTail}` : head;
  }
  return `shopscope: ${err instanceof Error ? err.message : String(err)}`;
}
