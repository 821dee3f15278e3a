// Axis and cell labels in the units Grafana uses for the same panels, so a picture reads like
// the dashboard it previews.

const SI = ['', 'k', 'M', 'G', 'T'];

function compact(value: number): string {
  const magnitude = Math.abs(value);
  if (magnitude === 0) return '0';
  if (magnitude >= 1000) {
    const power = Math.min(SI.length - 1, Math.floor(Math.log10(magnitude) / 3));
    return `${trim(value / 1000 ** power)}${SI[power]}`;
  }
  return trim(value);
}

function trim(value: number): string {
  const magnitude = Math.abs(value);
  const digits = magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : magnitude >= 1 ? 2 : 3;
  return String(Number(value.toFixed(digits)));
}

function seconds(value: number): string {
  const magnitude = Math.abs(value);
  if (magnitude === 0) return '0 s';
  if (magnitude < 1e-3) return `${trim(value * 1e6)} µs`;
  if (magnitude < 1) return `${trim(value * 1e3)} ms`;
  if (magnitude < 120) return `${trim(value)} s`;
  return `${trim(value / 60)} min`;
}

function bytes(value: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let scaled = value;
  let index = 0;
  while (Math.abs(scaled) >= 1024 && index < units.length - 1) {
    scaled /= 1024;
    index += 1;
  }
  return `${trim(scaled)} ${units[index]}`;
}

/** A value as text in a Grafana unit (`s`, `ms`, `percentunit`, `percent`, `bytes`, `reqps`, …). */
export function formatValue(value: number | null | undefined, unit = 'short'): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  switch (unit) {
    case 's':
      return seconds(value);
    case 'ms':
      return seconds(value / 1000);
    case 'percentunit':
      return `${trim(value * 100)}%`;
    case 'percent':
      return `${trim(value)}%`;
    case 'bytes':
      return bytes(value);
    case 'reqps':
      return `${compact(value)} req/s`;
    case 'ops':
      return `${compact(value)} ops/s`;
    case 'currencyUSD':
      return `$${compact(value)}`;
    case 'currencyEUR':
      return `€${compact(value)}`;
    default:
      return compact(value);
  }
}
