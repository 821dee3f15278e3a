/** `products.3.reviews` → `products.*.reviews`: list indices folded, so every item of a list shares one path. */
export function normalizeFieldPath(path: string): string {
  return path.replace(/(^|\.)\d+(?=\.|$)/g, '$1*');
}
