// Asks a Kafka broker whether it answers: one ApiVersions request (v0) over TCP, the first thing
// every client sends. An open port alone is not enough: the broker binds its listener before it
// has joined the KRaft quorum and only answers requests after that.
import { connect } from 'node:net';

const API_VERSIONS = 18;
const CLIENT_ID = 'shopscope-health';

/** The request's bytes: size, api key, api version 0, correlation id, client id; v0 has no body. */
export function apiVersionsRequest(correlationId: number): Buffer {
  const client = Buffer.from(CLIENT_ID, 'utf8');
  const body = Buffer.alloc(2 + 2 + 4 + 2 + client.length);
  body.writeInt16BE(API_VERSIONS, 0);
  body.writeInt16BE(0, 2);
  body.writeInt32BE(correlationId, 4);
  body.writeInt16BE(client.length, 8);
  client.copy(body, 10);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length, 0);
  return Buffer.concat([size, body]);
}

/** True when `response` (size-prefixed) carries our correlation id and error code 0. */
export function apiVersionsAnswered(response: Buffer, correlationId: number): boolean {
  if (response.length < 10) return false;
  return response.readInt32BE(4) === correlationId && response.readInt16BE(8) === 0;
}

/** Resolves true when the broker at host:port answers ApiVersions within `timeoutMs`. */
export function kafkaAnswers(host: string, port: number, timeoutMs: number): Promise<boolean> {
  const correlationId = 1 + Math.floor(Math.random() * 1_000_000);
  return new Promise((resolvePromise) => {
    let received = Buffer.alloc(0);
    const socket = connect({ host, port });
    const finish = (answered: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolvePromise(answered);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.once('connect', () => socket.write(apiVersionsRequest(correlationId)));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length >= 10) finish(apiVersionsAnswered(received, correlationId));
    });
    socket.once('error', () => finish(false));
    socket.once('close', () => finish(false));
  });
}
