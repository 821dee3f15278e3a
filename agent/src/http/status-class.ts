const classes = ['1xx', '2xx', '3xx', '4xx', '5xx'];

/** `200` → `2xx`; anything outside 100–599 → `other`. */
export function statusClass(status: number): string {
  return classes[Math.floor(status / 100) - 1] ?? 'other';
}
