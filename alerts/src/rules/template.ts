import { AlertsError } from '../errors.ts';

/**
 * The subset of Go's text/template that Prometheus rule templates use in practice:
 * `{{ $labels.name }}`, `{{ $value }}`, `{{ $externalLabels.name }}`, pipes into the humanize
 * family, `printf`, `toUpper`/`toLower`/`title`. A template is compiled once when the rule is
 * loaded, so an unknown function is a load error, not a page with a hole in it.
 */
export interface TemplateData {
  labels: Readonly<Record<string, string>>;
  value: number;
  externalLabels?: Readonly<Record<string, string>>;
}

export type CompiledTemplate = (data: TemplateData) => string;

type Operand = (data: TemplateData) => unknown;

const FUNCTIONS: Record<string, (...args: unknown[]) => string> = {
  humanize: (v) => humanize(Number(v)),
  humanize1024: (v) => humanize1024(Number(v)),
  humanizePercentage: (v) => `${goG4(Number(v) * 100)}%`,
  humanizeDuration: (v) => humanizeDuration(Number(v)),
  toUpper: (v) => String(v).toUpperCase(),
  toLower: (v) => String(v).toLowerCase(),
  title: (v) => String(v).replace(/\b\w/g, (c) => c.toUpperCase()),
  printf: (format, ...args) => printf(String(format), args),
};

export function compileTemplate(source: string): CompiledTemplate {
  const pieces: Array<string | Operand> = [];
  const action = /\{\{-?\s*(.*?)\s*-?\}\}/gs;
  let last = 0;
  for (let match = action.exec(source); match; match = action.exec(source)) {
    pieces.push(source.slice(last, match.index));
    pieces.push(compilePipeline(match[1] ?? '', source));
    last = match.index + match[0].length;
  }
  pieces.push(source.slice(last));
  if (pieces.length === 1) return () => source;
  return (data) => pieces.map((p) => (typeof p === 'string' ? p : formatValue(p(data)))).join('');
}

function compilePipeline(text: string, source: string): Operand {
  const stages = splitOutsideQuotes(text, '|').map((s) => s.trim());
  if (stages.length === 0 || stages.some((s) => s === '')) throw invalid(source, `empty pipeline "${text}"`);
  let operand: Operand | undefined;
  for (const stage of stages) {
    const words = tokenize(stage, source);
    const [head, ...rest] = words;
    if (head === undefined) throw invalid(source, `empty pipeline "${text}"`);
    const fn = FUNCTIONS[head];
    if (fn) {
      const args = rest.map((w) => compileOperand(w, source));
      const previous = operand;
      operand = (data) => fn(...args.map((a) => a(data)), ...(previous ? [previous(data)] : []));
    } else {
      if (operand !== undefined || rest.length > 0) throw invalid(source, `unknown function "${head}"`);
      operand = compileOperand(head, source);
    }
  }
  return operand as Operand;
}

function compileOperand(word: string, source: string): Operand {
  if (word.startsWith('"')) {
    const literal = JSON.parse(word) as string;
    return () => literal;
  }
  if (/^-?\d+(\.\d+)?$/.test(word)) return () => Number(word);
  if (word === '$value' || word === '.Value') return (d) => d.value;
  const label = /^(?:\$labels|\.Labels)\.([a-zA-Z_][a-zA-Z0-9_]*)$/.exec(word);
  if (label) {
    const name = label[1] as string;
    return (d) => d.labels[name] ?? '';
  }
  const external = /^\$externalLabels\.([a-zA-Z_][a-zA-Z0-9_]*)$/.exec(word);
  if (external) {
    const name = external[1] as string;
    return (d) => d.externalLabels?.[name] ?? '<no value>';
  }
  if (word === '$labels' || word === '.Labels') return (d) => d.labels;
  throw invalid(source, `unsupported operand "${word}"`);
}

function tokenize(stage: string, source: string): string[] {
  const words = stage.match(/"(?:[^"\\]|\\.)*"|\S+/g);
  if (!words) throw invalid(source, `empty stage "${stage}"`);
  return words;
}

function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '"' && text[i - 1] !== '\\') quoted = !quoted;
    if (c === separator && !quoted) {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  return parts;
}

function invalid(source: string, why: string): AlertsError {
  return new AlertsError('SHOPSCOPE_ERR_RULE_TEMPLATE_INVALID', `template "${source}": ${why}`);
}

function formatValue(v: unknown): string {
  if (typeof v === 'number') return goFloat(v);
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object') {
    return `map[${Object.entries(v)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, x]) => `${k}:${String(x)}`)
      .join(' ')}]`;
  }
  return String(v);
}

/** Go's `%v` for float64: shortest representation, exponent form outside [1e-4, 1e6). */
export function goFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  if (v === 0) return '0';
  const exponent = Math.floor(Math.log10(Math.abs(v)));
  if (exponent < -4 || exponent >= 6) return goExponent(v.toExponential());
  return String(v);
}

function goExponent(js: string): string {
  return js.replace(/e([+-])(\d)$/, 'e$10$2');
}

/** Go's `%.4g`. */
function goG4(v: number): string {
  if (v === 0) return '0';
  if (!Number.isFinite(v)) return goFloat(v);
  const exponent = Math.floor(Math.log10(Math.abs(v)));
  if (exponent < -4 || exponent >= 4) return goExponent(Number(v.toPrecision(4)).toExponential());
  return String(Number(v.toPrecision(4)));
}

function humanize(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return goFloat(v);
  if (Math.abs(v) >= 1) {
    const prefixes = ['', 'k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y'];
    let i = 0;
    while (Math.abs(v) >= 1000 && i < prefixes.length - 1) {
      v /= 1000;
      i++;
    }
    return `${goG4(v)}${prefixes[i]}`;
  }
  const prefixes = ['', 'm', 'u', 'n', 'p', 'f', 'a', 'z', 'y'];
  let i = 0;
  while (Math.abs(v) < 1 && i < prefixes.length - 1) {
    v *= 1000;
    i++;
  }
  return `${goG4(v)}${prefixes[i]}`;
}

function humanize1024(v: number): string {
  if (Math.abs(v) <= 1 || !Number.isFinite(v)) return goFloat(v);
  const prefixes = ['', 'ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'Zi', 'Yi'];
  let i = 0;
  while (Math.abs(v) >= 1024 && i < prefixes.length - 1) {
    v /= 1024;
    i++;
  }
  return `${goG4(v)}${prefixes[i]}`;
}

function humanizeDuration(v: number): string {
  if (!Number.isFinite(v)) return goFloat(v);
  if (v === 0) return '0s';
  if (Math.abs(v) >= 1) {
    const sign = v < 0 ? '-' : '';
    let rest = Math.abs(v);
    const days = Math.floor(rest / 86400);
    rest -= days * 86400;
    const hours = Math.floor(rest / 3600);
    rest -= hours * 3600;
    const minutes = Math.floor(rest / 60);
    rest -= minutes * 60;
    if (days) return `${sign}${days}d ${hours}h ${minutes}m ${Math.floor(rest)}s`;
    if (hours) return `${sign}${hours}h ${minutes}m ${Math.floor(rest)}s`;
    if (minutes) return `${sign}${minutes}m ${Math.floor(rest)}s`;
    return `${sign}${goG4(rest)}s`;
  }
  const units: Array<[string, number]> = [
    ['ms', 1e3],
    ['us', 1e6],
    ['ns', 1e9],
    ['ps', 1e12],
  ];
  for (const [unit, scale] of units) {
    if (Math.abs(v * scale) >= 1) return `${goG4(v * scale)}${unit}`;
  }
  return `${goG4(v * 1e12)}ps`;
}

function printf(format: string, args: unknown[]): string {
  let i = 0;
  return format.replace(/%(\.\d+)?([dfsgv%])/g, (whole, precision: string | undefined, verb: string) => {
    if (verb === '%') return '%';
    const arg = args[i++];
    if (verb === 'f') return Number(arg).toFixed(precision ? Number(precision.slice(1)) : 6);
    if (verb === 'd') return String(Math.trunc(Number(arg)));
    if (verb === 'g' || verb === 'v') return typeof arg === 'number' ? goFloat(arg) : String(arg);
    return whole === '%s' ? String(arg) : String(arg);
  });
}
