// Copies a downloaded module out of the read-only module cache so it can be built with its own
// go.mod (replace directives included), which `go install mod@version` refuses to do.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { StackError } from '../errors.ts';

export function copyModuleSource(from: string, to: string, component: string): void {
  rmSync(to, { recursive: true, force: true });
  mkdirSync(dirname(to), { recursive: true });
  for (const [command, args] of [
    ['cp', ['-R', from, to]],
    ['chmod', ['-R', 'u+w', to]],
  ] as const) {
    const result = spawnSync(command, args, { encoding: 'utf8' });
    if (result.status !== 0) {
      throw new StackError('SHOPSCOPE_ERR_BUILD_FAILED', `${component}: ${command} ${args.join(' ')} failed: ${result.stderr || result.error?.message}`, { component });
    }
  }
}
