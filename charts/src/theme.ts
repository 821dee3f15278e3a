// Grafana's dark theme, closely enough that a preview sits well beside the real dashboard.
export const theme = {
  background: '#181b1f',
  panel: '#1f2329',
  border: '#2c3235',
  text: '#ccccdc',
  muted: '#8e8e8e',
  grid: '#2c3235',
  error: '#f2495c',
  palette: ['#73bf69', '#f2cc0c', '#8ab8ff', '#ff780a', '#f2495c', '#5794f2', '#b877d9', '#705da0', '#37872d', '#fade2a'],
  fontFamily: 'DejaVu Sans',
} as const;
