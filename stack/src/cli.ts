// `npm run stack -- up|down|status|logs [component...]`
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { demoProcesses } from './demo-processes.ts';
import { describeError } from './errors.ts';
import { loadSettings } from './settings.ts';
import { down, logs, status, up, type StackComponent } from './supervisor.ts';

const USAGE = `usage: npm run stack -- <command> [component...]
  up      start the back ends (default: prometheus victorialogs jaeger collector) and wait until healthy
  down    stop them (SIGTERM, then SIGKILL after SHOPSCOPE_STACK_STOP_TIMEOUT_MS)
  status  show each component's state, pid, resident memory, address and log file
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
      const mib = (bytes: number | undefined) => (bytes === undefined ? '-' : `${(bytes / 1048576).toFixed(0)}MB`);
      for (const row of rows) {
        const ports = Object.entries(row.ports)
          .map(([name, port]) => `${name}=${port}`)
          .join(' ');
        process.stdout.write(
          `${row.component.padEnd(12)} ${row.state.padEnd(9)} pid=${String(row.pid ?? '-').padEnd(8)} rss=${mib(row.rssBytes).padEnd(6)} pss=${mib(row.pssBytes).padEnd(6)} ${row.url.padEnd(24)} ${ports}  log: ${row.logFile}\n`,
        );
      }
      const demo = named ? [] : demoProcesses(loadSettings());
      for (const row of demo)
        process.stdout.write(
          `${row.name.padEnd(22)} pid=${String(row.pid).padEnd(8)} rss=${mib(row.rssBytes).padEnd(6)} pss=${mib(row.pssBytes)}\n`,
        );
      const sum = (key: 'rssBytes' | 'pssBytes') => [...rows, ...demo].reduce((total, row) => total + (row[key] ?? 0), 0);
      // RSS counts pages shared between processes (the node binary's code) once per process;
      // PSS divides them, so its sum is the memory the processes take together.
      process.stdout.write(
        `total rss=${mib(sum('rssBytes'))} pss=${mib(sum('pssBytes'))}${demo.length > 0 ? ' (back ends and the demo)' : ''}\n`,
      );
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
