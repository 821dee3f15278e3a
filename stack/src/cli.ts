// `npm run stack -- up|down|status|logs [component...]`
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeError } from './errors.ts';
import { down, logs, status, up, type StackComponent } from './supervisor.ts';

const USAGE = `usage: npm run stack -- <command> [component...]
  up      start the back ends (default: prometheus loki tempo collector) and wait until healthy
  down    stop them (SIGTERM, then SIGKILL after SHOPSCOPE_STACK_STOP_TIMEOUT_MS)
  status  show each component's state, pid, address and log file
  logs    print the last lines of each log (-n <lines>, default 50)
See stack/README.md for the environment variables.`;

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  let lines = 50;
  const components: string[] = [];
  for (let i = 0; i < rest.length; i += 1) {
    const arg = rest[i] ?? '';
    if (arg === '-n' || arg === '--lines') {
      lines = Number(rest[i + 1]);
      i += 1;
    } else {
      components.push(arg);
    }
  }
  const named = components.length > 0 ? (components as StackComponent[]) : undefined;
  switch (command) {
    case 'up': {
      const started = performance.now();
      await up({ components: named });
      process.stdout.write(`shopscope: stack up (${((performance.now() - started) / 1000).toFixed(1)}s)\n`);
      return 0;
    }
    case 'down':
      await down({ components: named });
      process.stdout.write('shopscope: stack down\n');
      return 0;
    case 'status': {
      const rows = await status({ components: named });
      for (const row of rows) {
        const ports = Object.entries(row.ports).map(([name, port]) => `${name}=${port}`).join(' ');
        process.stdout.write(`${row.component.padEnd(10)} ${row.state.padEnd(9)} pid=${String(row.pid ?? '-').padEnd(8)} ${row.url.padEnd(24)} ${ports}  log: ${row.logFile}\n`);
      }
      return rows.every((row) => row.state === 'running') ? 0 : 3;
    }
    case 'logs':
      if (!Number.isInteger(lines) || lines <= 0) {
        process.stderr.write('shopscope: -n needs a positive whole number\n');
        return 2;
      }
      for (const entry of logs({ components: named, lines })) {
        process.stdout.write(`==> ${entry.component} (${entry.logFile}) <==\n${entry.tail || '(empty)'}\n`);
      }
      return 0;
    default:
      process.stdout.write(`${USAGE}\n`);
      return command === undefined || command === 'help' || command === '--help' ? 0 : 2;
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`${describeError(err)}\n`);
      process.exitCode = 1;
    },
  );
}
