// Grafana's time macros, made concrete for one time range, as Grafana computes them: the step
// ($__interval) gives about `points` points, $__rate_interval is max($__interval + scrape, 4 × scrape).
export interface TimeRange {
  fromMs: number;
  toMs: number;
}

export interface Macros {
  stepSeconds: number;
  rangeSeconds: number;
  rateIntervalSeconds: number;
}

const SCRAPE_SECONDS = 5;

export function macrosFor(range: TimeRange, points = 120): Macros {
  const rangeSeconds = Math.max(1, Math.round((range.toMs - range.fromMs) / 1000));
  const stepSeconds = Math.max(SCRAPE_SECONDS, Math.ceil(rangeSeconds / points));
  return { stepSeconds, rangeSeconds, rateIntervalSeconds: Math.max(stepSeconds + SCRAPE_SECONDS, 4 * SCRAPE_SECONDS) };
}

/** Replaces $__rate_interval, $__interval, $__range (and their ${…} and _ms/_s forms). */
export function substituteMacros(text: string, macros: Macros): string {
  const values: Record<string, string> = {
    __rate_interval: `${macros.rateIntervalSeconds}s`,
    __interval: `${macros.stepSeconds}s`,
    __interval_ms: String(macros.stepSeconds * 1000),
    __range: `${macros.rangeSeconds}s`,
    __range_s: String(macros.rangeSeconds),
    __range_ms: String(macros.rangeSeconds * 1000),
  };
  return text.replace(/\$\{(__[a-z_]+)\}|\$(__[a-z_]+)/g, (whole, braced?: string, bare?: string) => values[(braced ?? bare)!] ?? whole);
}
