// An OTLP/HTTP trace receiver that counts the spans it is sent and discards them; GET /spans
// answers {"spans": n}. The count walks the protobuf by hand (three nested length-delimited
// fields: resource_spans → scope_spans → spans) because a decoder library is not among the
// benchmarks' dependencies and nothing else of a span is read.
import { createServer } from 'node:http';
import { gunzipSync } from 'node:zlib';

let spans = 0;

function* fields(buf, start = 0, end = buf.length) {
  let i = start;
  while (i < end) {
    const [key, afterKey] = varint(buf, i);
    const field = key >>> 3;
    const type = key & 7;
    if (type === 2) {
      const [length, at] = varint(buf, afterKey);
      yield { field, start: at, end: at + length };
      i = at + length;
    } else if (type === 0) i = varint(buf, afterKey)[1];
    else if (type === 1) i = afterKey + 8;
    else if (type === 5) i = afterKey + 4;
    else throw new Error(`wire type ${type}`);
  }
}

function varint(buf, i) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = buf[i++];
    value += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return [value, i];
    shift += 7;
  }
}

function countSpans(buf) {
  let n = 0;
  for (const rs of fields(buf))
    if (rs.field === 1)
      for (const ss of fields(buf, rs.start, rs.end))
        if (ss.field === 2) for (const s of fields(buf, ss.start, ss.end)) if (s.field === 2) n += 1;
  return n;
}

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/spans') {
    res.end(JSON.stringify({ spans }));
    return;
  }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    try {
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      if (req.url === '/v1/traces') spans += countSpans(body);
    } catch {
      /* a body we cannot read is not counted */
    }
    res.writeHead(200, { 'content-type': req.headers['content-type'] ?? 'application/x-protobuf' });
    res.end();
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ listening: server.address().port })}\n`));
