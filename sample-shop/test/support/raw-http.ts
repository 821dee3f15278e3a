import { connect, type Socket } from 'node:net';

/** HTTP over a bare socket: bytes go out exactly as written, as a hostile client sends them. */
export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export function parseResponse(text: string): RawResponse {
  const end = text.indexOf('\r\n\r\n');
  const head = end < 0 ? text : text.slice(0, end);
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(statusLine.split(' ')[1] ?? 0), headers, body: end < 0 ? '' : text.slice(end + 4) };
}

export interface OpenSocket {
  socket: Socket;
  /** Everything the server sent so far. */
  received(): string;
  /** Resolves with the milliseconds from opening to the server closing the connection. */
  closed: Promise<number>;
}

export async function openSocket(baseUrl: string): Promise<OpenSocket> {
  const { hostname, port } = new URL(baseUrl);
  const started = Date.now();
  const socket = connect(Number(port), hostname);
  let text = '';
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => (text += chunk));
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now() - started)));
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return { socket, received: () => text, closed };
}

/** Sends `request` and reads until the server closes the connection (or `timeoutMs` passes). */
export async function rawExchange(baseUrl: string, request: string, timeoutMs = 5000): Promise<RawResponse> {
  const open = await openSocket(baseUrl);
  open.socket.write(request, 'latin1');
  const timer = setTimeout(() => open.socket.destroy(), timeoutMs);
  await open.closed;
  clearTimeout(timer);
  return parseResponse(open.received());
}

/** A GET that closes its connection, with any path (no client normalises it). */
export function rawGet(baseUrl: string, path: string, headers = ''): Promise<RawResponse> {
  return rawExchange(baseUrl, `GET ${path} HTTP/1.1\r\nHost: shop\r\nConnection: close\r\n${headers}\r\n`);
}
