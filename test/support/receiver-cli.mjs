#!/usr/bin/env node
import { parseArgs } from 'node:util';
// This is called as `node test/support/receiver-cli.mjs --port 4317 [--http 4318] [--print] [--no-retain] [--count-only]`
// by the demo and the benchmark, which start it as a child process.
// stdout is JSON lines: first `{"endpoint":...,"port":...,"httpEndpoint":...}` once listening, then
// with --print `{"span":{...}}` per span, and `{"stopped":true,"requests":n,"spans":n}` on
// SIGTERM/SIGINT, after which it exits 0.
// --count-only: never decode span bodies (OTLP/gRPC, and OTLP/HTTP protobuf with --http); walk just the protobuf framing down to
// the span level to count them. Decoding costs the full receiver ~15 µs of CPU per span, which on
// the benchmark's 2 cores competes with the load generator; counting costs well under 1 µs.
// When started with an IPC channel, the message 'stats' is answered with
// `{ type: 'stats', requests, spans, bytes }` (bytes: request bodies received; 0 unless --count-only).
import { countSpans } from './otlp-span-count.mjs';

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '4317' },
    http: { type: 'string' },
    print: { type: 'boolean', default: false },
    'no-retain': { type: 'boolean', default: false },
    'count-only': { type: 'boolean', default: false },
  },
});

function toPort(name, value) {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`receiver-cli: --${name}=${value} is not a port number\n`);
    process.exit(2);
  }
  return port;
}

const line = (obj) =>
  process.stdout.write(`${JSON.stringify(obj, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))}\n`);

const countOnly = values['count-only'];
if (countOnly && values.print) {
  process.stderr.write('receiver-cli: --count-only does not decode spans; --print is ignored\n');
}

let spanCount = 0;
let byteCount = 0;
const rx = countOnly
  ? await startCountingReceiver(
      values.host,
      toPort('port', values.port),
      values.http === undefined ? undefined : toPort('http', values.http),
    )
  : await (await import('./otlp-receiver.mjs')).startReceiver({
      host: values.host,
      port: toPort('port', values.port),
      http: values.http === undefined ? false : toPort('http', values.http),
      retain: !values['no-retain'],
      onSpan(span) {
        spanCount++;
        if (values.print) line({ span });
      },
    });

line({ endpoint: rx.endpoint, port: rx.port, httpEndpoint: rx.httpEndpoint ?? null });

process.on('message', (msg) => {
  if (msg === 'stats')
    process.send?.({ type: 'stats', requests: rx.requestCount, spans: spanCount, bytes: byteCount });
});
process.on('disconnect', () => void shutdown());

let stopping = false;
async function shutdown() {
  if (stopping) return;
  stopping = true;
  await rx.stop();
  line({ stopped: true, requests: rx.requestCount, spans: spanCount });
  process.exit(0);
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);

/**
 * A bare OTLP/gRPC trace endpoint on node:http2, without grpc-js: the gRPC framing (a 5-byte
 * prefix per message, `grpc-status` in the trailers) is all the exporter needs, and grpc-js's own
 * per-call machinery was most of the receiver's CPU, spent on the load generator's core.
 */
async function startCountingReceiver(host, port, httpPort) {
  const http2 = await import('node:http2');
  const { gunzipSync } = await import('node:zlib');
  const PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
  // An empty ExportTraceServiceResponse: zero bytes, uncompressed, behind the 5-byte prefix.
  const EMPTY_MESSAGE = Buffer.alloc(5);
  let requests = 0;
  /** Collects a request body, then `count` answers it and counts its spans (a malformed body is answered too). */
  const onBody = (stream, count) => {
    const chunks = [];
    stream.on('data', (chunk) => chunks.push(chunk));
    stream.on('end', () => {
      requests++;
      const body = Buffer.concat(chunks);
      byteCount += body.length;
      try {
        count(body);
      } catch {
        // A malformed body is still acknowledged; the count is what is being measured.
      }
    });
  };
  const server = http2.createServer();
  const sessions = new Set();
  // As a Go collector does: replies go out at once, never held back by Nagle's algorithm.
  server.on('connection', (socket) => socket.setNoDelay(true));
  server.on('session', (session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
  });
  server.on('stream', (stream, headers) => {
    const reply = (status, body) => {
      // The sender may have gone away mid-export (killed, or timed out): nothing to answer.
      if (stream.destroyed || stream.closed) return;
      stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
      stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': status }));
      stream.end(body);
    };
    if (headers[':path'] !== PATH) {
      stream.resume();
      stream.on('end', () => reply('12', undefined)); // UNIMPLEMENTED
      return;
    }
    onBody(stream, (body) => {
      reply('0', EMPTY_MESSAGE);
      for (let pos = 0; pos + 5 <= body.length; ) {
        const length = body.readUInt32BE(pos + 1);
        if (pos + 5 + length > body.length) break; // truncated: the stream was cut off
        let message = body.subarray(pos + 5, pos + 5 + length);
        if (body[pos] === 1) message = gunzipSync(message);
        spanCount += countSpans(message);
        pos += 5 + length;
      }
    });
    stream.on('error', () => undefined);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const bound = server.address().port;
  // OTLP/HTTP protobuf on its own port, counted the same way (an empty ExportTraceServiceResponse
  // is an empty body).
  let httpServer;
  if (httpPort !== undefined) {
    const http = await import('node:http');
    httpServer = http.createServer({ noDelay: true }, (req, res) => {
      onBody(req, (body) => {
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
        spanCount += countSpans(req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body);
      });
    });
    await new Promise((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(httpPort, host, resolve);
    });
  }
  return {
    endpoint: `http://${host}:${bound}`,
    port: bound,
    httpEndpoint: httpServer ? `http://${host}:${httpServer.address().port}/v1/traces` : null,
    get requestCount() {
      return requests;
    },
    stop: () =>
      new Promise((resolve) => {
        for (const session of sessions) session.destroy();
        httpServer?.closeAllConnections();
        httpServer?.close();
        server.close(() => resolve());
      }),
  };
}
