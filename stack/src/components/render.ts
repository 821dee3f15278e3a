// Fills a config template's ${NAME} placeholders. An unknown name is an error, never an empty
// string, so a typo in a template cannot start a back end on a wrong port.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StackError } from '../errors.ts';
import type { PortName, StackSettings } from '../settings.ts';

export const templateDir = fileURLToPath(new URL('../../config', import.meta.url));

const SHOP_SERVICES = ['gateway', 'catalog', 'cart', 'orders', 'payments', 'inventory', 'fulfilment'] as const;

function snake(name: string): string {
  return name.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
}

/** Every value a template may use: each port as <NAME>_PORT, the shop ports, DATA_DIR, REPO_ROOT. */
export function templateValues(settings: StackSettings, dataDir: string): Record<string, string> {
  const values: Record<string, string> = { DATA_DIR: dataDir, REPO_ROOT: settings.repoRoot };
  for (const [name, port] of Object.entries(settings.ports) as [PortName, number][]) values[`${snake(name)}_PORT`] = String(port);
  SHOP_SERVICES.forEach((service, index) => {
    values[`SHOP_${service.toUpperCase()}_PORT`] = String(settings.ports.shopMetricsBase + index);
  });
  return values;
}

/** Comment lines are left as they are, so they may mention placeholders. */
export function renderTemplate(text: string, values: Readonly<Record<string, string>>, source: string): string {
  return text
    .split('\n')
    .map((line) =>
      line.trimStart().startsWith('#')
        ? line
        : line.replace(/\$\{([A-Z0-9_]+)\}/g, (_match, name: string) => {
            const value = values[name];
            if (value === undefined)
              throw new StackError('SHOPSCOPE_ERR_CONFIG_INVALID', `${source} uses \${${name}}, which the stack does not define`);
            return value;
          }),
    )
    .join('\n');
}

/** Renders `stack/config/<template>` into `<dataDir>/<target>` and returns the written path. */
export function renderConfigFile(template: string, target: string, settings: StackSettings, dataDir: string): string {
  const source = join(templateDir, template);
  const output = join(dataDir, target);
  mkdirSync(dirname(output), { recursive: true });
  writeFileSync(output, renderTemplate(readFileSync(source, 'utf8'), templateValues(settings, dataDir), source));
  return output;
}
