// Dashboard variables expanded to real values from the live back ends, as Grafana would: the
// query of each variable runs (later variables may use earlier ones), `All` becomes every value.
import type { Ports } from '@shopscope/stack';
import type { TimeRange } from './time-range.ts';

export interface VariableModel {
  name: string;
  type: string;
  datasource?: { type?: string; uid?: string };
  query?: string | { field?: string; query?: string; type?: string };
  includeAll?: boolean;
  multi?: boolean;
  allValue?: string;
  current?: { value?: string | string[] };
}

/** A variable's value as text substituted into a query (a regex alternation for several values). */
export type Expanded = Record<string, string>;

// As Grafana's Prometheus data source escapes a value for a regex inside a double-quoted string.
const escapeRegex = (value: string) => value.replace(/[\\^$.|?*+()[\]{}]/g, '\\\\$&');

export function substituteVariables(text: string, values: Expanded): string {
  return text.replace(/\$\{(\w+)(?::\w+)?\}|\[\[(\w+)\]\]|\$(\w+)/g, (whole, a?: string, b?: string, c?: string) => {
    const name = (a ?? b ?? c)!;
    return name.startsWith('__') || values[name] === undefined ? whole : values[name];
  });
}

async function promLabelValues(ports: Ports, query: string, range: TimeRange): Promise<string[]> {
  const match = /^label_values\((.*),\s*(\w+)\)$/s.exec(query.trim());
  if (!match) throw new Error(`unsupported variable query: ${query}`);
  const params = new URLSearchParams({ 'match[]': match[1]!, start: String(range.fromMs / 1000), end: String(range.toMs / 1000) });
  const response = await fetch(`http://127.0.0.1:${ports.prometheus}/api/v1/label/${match[2]}/values?${params}`);
  const body = (await response.json()) as { status: string; data?: string[]; error?: string };
  if (body.status !== 'success') throw new Error(`prometheus: ${body.error}`);
  return body.data ?? [];
}

async function logsFieldValues(ports: Ports, field: string, query: string, range: TimeRange): Promise<string[]> {
  const params = new URLSearchParams({
    query,
    field,
    start: String(Math.floor(range.fromMs / 1000)),
    end: String(Math.ceil(range.toMs / 1000)),
    limit: '100',
  });
  const response = await fetch(`http://127.0.0.1:${ports.victoriaLogs}/select/logsql/field_values?${params}`);
  if (!response.ok) throw new Error(`victorialogs answered ${response.status}: ${await response.text()}`);
  const body = (await response.json()) as { values?: { value: string }[] };
  return (body.values ?? []).map((v) => v.value).sort();
}

/** Every variable of a board, in order, expanded to what Grafana would substitute. */
export async function expandVariables(variables: VariableModel[], ports: Ports, range: TimeRange): Promise<Expanded> {
  const values: Expanded = {};
  for (const variable of variables) {
    let options: string[];
    if (variable.type === 'custom' && typeof variable.query === 'string') {
      options = variable.query
        .split(',')
        .map((value) => value.trim())
        .filter(Boolean);
    } else if (variable.datasource?.type === 'prometheus' && typeof variable.query === 'string') {
      options = await promLabelValues(ports, substituteVariables(variable.query, values), range);
    } else if (variable.datasource?.type === 'victoriametrics-logs-datasource' && typeof variable.query === 'object') {
      options = await logsFieldValues(ports, variable.query.field ?? '', variable.query.query || '*', range);
    } else {
      throw new Error(`variable ${variable.name}: unsupported type ${variable.type} on ${variable.datasource?.type}`);
    }
    if (options.length === 0) throw new Error(`variable ${variable.name}: its query found no values`);
    const current = [variable.current?.value ?? []].flat();
    if (variable.includeAll && (current.length === 0 || current.includes('$__all'))) {
      values[variable.name] = variable.allValue ?? `(${options.map(escapeRegex).join('|')})`;
    } else {
      values[variable.name] = current.find((c) => options.includes(c)) ?? options[0]!;
    }
  }
  return values;
}
