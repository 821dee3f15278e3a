import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

type Labels = Record<string, string>;

function labelText(labels: Labels): string {
  const entries = Object.entries(labels);
  return entries.length ? `{${entries.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}}` : '';
}

/**
 * A tiny scrape target whose series a test sets and flips. It answers in OpenMetrics so that
 * Prometheus keeps the exemplars (trace ids) attached to histogram buckets.
 */
export class MetricServer {
  private readonly gauges = new Map<string, Map<string, { labels: Labels; value: number }>>();
  private readonly histograms = new Map<string, { labels: Labels; count: number; traceId?: string }>();
  private server: Server | undefined;
  target = '';

  set(name: string, labels: Labels, value: number): void {
    const family = this.gauges.get(name) ?? new Map();
    family.set(labelText(labels), { labels, value });
    this.gauges.set(name, family);
  }

  delete(name: string, labels: Labels): void {
    this.gauges.get(name)?.delete(labelText(labels));
  }

  /** A one-bucket histogram whose +Inf bucket carries an exemplar with this trace id. */
  setHistogram(name: string, labels: Labels, count: number, traceId?: string): void {
    this.histograms.set(`${name}${labelText(labels)}`, { labels, count, ...(traceId ? { traceId } : {}) });
  }

  render(): string {
    const lines: string[] = [];
    for (const [name, family] of this.gauges) {
      lines.push(`# TYPE ${name} gauge`);
      for (const { labels, value } of family.values()) lines.push(`${name}${labelText(labels)} ${value}`);
    }
    const now = (Date.now() / 1000).toFixed(3);
    const families = new Map<string, Array<{ labels: Labels; count: number; traceId?: string }>>();
    for (const [key, h] of this.histograms) {
      const name = key.replace(/\{.*$/, '');
      families.set(name, [...(families.get(name) ?? []), h]);
    }
    for (const [name, list] of families) {
      lines.push(`# TYPE ${name} histogram`);
      for (const h of list) {
        const exemplar = h.traceId ? ` # {trace_id="${h.traceId}"} 0.42 ${now}` : '';
        lines.push(`${name}_bucket${labelText({ ...h.labels, le: '+Inf' })} ${h.count}${exemplar}`);
        lines.push(`${name}_count${labelText(h.labels)} ${h.count}`);
        lines.push(`${name}_sum${labelText(h.labels)} ${h.count * 0.42}`);
      }
    }
    return `${lines.join('\n')}\n# EOF\n`;
  }

  async start(): Promise<this> {
    this.server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/openmetrics-text; version=1.0.0; charset=utf-8' });
      res.end(this.render());
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', () => resolve()));
    this.target = `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server?.close(() => resolve());
      this.server?.closeAllConnections();
    });
  }
}
