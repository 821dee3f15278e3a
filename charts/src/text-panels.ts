// Panels that are text rather than a chart (a single stat, a table, log lines). ECharts has no
// table, so these are a few SVG text rows in the same theme.
import { escapeXml } from './escape.ts';
import type { LogsPanel, StatPanel, TablePanel } from './panels.ts';
import { theme } from './theme.ts';
import { formatValue } from './units.ts';

interface Size {
  width: number;
  height: number;
}

function frame(title: string, size: Size, body: string): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size.width}" height="${size.height}" viewBox="0 0 ${size.width} ${size.height}" font-family="${theme.fontFamily}">`,
    `<rect width="${size.width}" height="${size.height}" fill="${theme.panel}"/>`,
    `<text x="8" y="20" fill="${theme.text}" font-size="13">${escapeXml(title)}</text>`,
    body,
    '</svg>',
  ].join('');
}

/** Cuts text to what fits in `pixels` at about 0.6 em per character. */
function fit(text: string, pixels: number, fontSize: number): string {
  const room = Math.max(1, Math.floor(pixels / (fontSize * 0.6)));
  return text.length > room ? `${text.slice(0, Math.max(1, room - 1))}…` : text;
}

function noData(size: Size): string {
  return `<text x="${size.width / 2}" y="${size.height / 2}" fill="${theme.muted}" font-size="14" text-anchor="middle">No data</text>`;
}

export function statSvg(panel: StatPanel, size: Size): string {
  if (panel.value === null || Number.isNaN(panel.value)) return frame(panel.title, size, noData(size));
  const fontSize = Math.max(14, Math.min(48, size.height * 0.4));
  const text = escapeXml(formatValue(panel.value, panel.unit));
  return frame(
    panel.title,
    size,
    `<text x="${size.width / 2}" y="${size.height / 2 + fontSize / 2.4}" fill="${theme.palette[0]}" font-size="${fontSize}" text-anchor="middle">${text}</text>`,
  );
}

export function tableSvg(panel: TablePanel, size: Size): string {
  if (panel.rows.length === 0) return frame(panel.title, size, noData(size));
  const fontSize = 11;
  const rowHeight = 18;
  const columnWidth = (size.width - 16) / Math.max(1, panel.columns.length);
  const cell = (text: string, column: number, y: number, fill: string) =>
    `<text x="${8 + column * columnWidth}" y="${y}" fill="${fill}" font-size="${fontSize}">${escapeXml(fit(text, columnWidth - 6, fontSize))}</text>`;
  const rows = Math.max(0, Math.floor((size.height - 50) / rowHeight));
  const parts = panel.columns.map((name, column) => cell(name, column, 42, theme.muted));
  parts.push(`<line x1="8" x2="${size.width - 8}" y1="48" y2="48" stroke="${theme.border}"/>`);
  panel.rows.slice(0, rows).forEach((row, index) => {
    row.forEach((value, column) => parts.push(cell(value === null ? '–' : String(value), column, 64 + index * rowHeight, theme.text)));
  });
  return frame(panel.title, size, parts.join(''));
}

const levelColour: Record<string, string> = {
  error: theme.error,
  fatal: theme.error,
  warn: '#ff9830',
  warning: '#ff9830',
  info: theme.palette[0],
  debug: theme.muted,
};

export function logsSvg(panel: LogsPanel, size: Size): string {
  if (panel.lines.length === 0) return frame(panel.title, size, noData(size));
  const fontSize = 10.5;
  const rowHeight = 16;
  const rows = Math.max(0, Math.floor((size.height - 36) / rowHeight));
  const parts = panel.lines.slice(0, rows).map((line, index) => {
    const y = 42 + index * rowHeight;
    const time = new Date(line.timeMs).toISOString().slice(11, 23);
    const colour = levelColour[line.level.toLowerCase()] ?? theme.text;
    return [
      `<rect x="8" y="${y - 10}" width="3" height="12" fill="${colour}"/>`,
      `<text x="16" y="${y}" fill="${theme.muted}" font-size="${fontSize}">${time}</text>`,
      `<text x="110" y="${y}" fill="${theme.text}" font-size="${fontSize}">${escapeXml(fit(line.text, size.width - 120, fontSize))}</text>`,
    ].join('');
  });
  return frame(panel.title, size, parts.join(''));
}
