/**
 * A back end's API URL under its base URL, keeping any path prefix of the base: Prometheus behind
 * `--web.route-prefix=/prom` (or a proxy) is `http://host:9090/prom`, its query API
 * `http://host:9090/prom/api/v1/query`. `new URL('/api/v1/query', base)` would drop the prefix.
 */
export function apiUrl(baseUrl: string, path: string): URL {
  const url = new URL(baseUrl);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${path}`;
  url.search = '';
  url.hash = '';
  return url;
}
