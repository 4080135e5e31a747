// The node:http2 OTLP/gRPC transport against real servers: the test receiver (a grpc-js server)
// for what a collector answers, and bare node:http2 servers for what only a proxy or a broken
// server sends (HTTP errors, resets, trailers-only answers).
import { once } from 'node:events';
import http2 from 'node:http2';
import type { AddressInfo, Socket } from 'node:net';
import { createServer as createTcpServer } from 'node:net';
import zlib from 'node:zlib';
import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resetLogger, setLogSink } from '../../../src/diag/log.js';
import { collectorCause, collectorNaming } from '../../../src/export/collector-cause.js';
import {
  classifyExportError,
  describeExportError,
  isRetryableExportError,
} from '../../../src/export/export-errors.js';
import { grpcMetadata, TRACE_EXPORT_PATH } from '../../../src/export/otlp/grpc-options.js';
import {
  type ExportResponse,
  GrpcTransport,
  type GrpcTransportOptions,
  MAX_RESPONSE_BYTES,
} from '../../../src/export/otlp/grpc-transport.js';
import { buildTraceRequest } from '../../../src/export/otlp/request.js';
import { OtlpSpanExporter } from '../../../src/export/otlp/span-exporter.js';
import { RetryingExporter } from '../../../src/export/retrying-exporter.js';
import { finishedSpans } from '../../support/finished-spans.js';
import { type OtlpReceiver, startReceiver } from '../../support/otlp-receiver.mjs';

let rx: OtlpReceiver;
const transports: GrpcTransport[] = [];
const servers: http2.Http2Server[] = [];

beforeAll(async () => {
  rx = await startReceiver({ port: 0 });
});
afterAll(() => rx.stop());
afterEach(async () => {
  for (const t of transports.splice(0)) t.shutdown();
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
  rx.setMode('ok');
  rx.clear();
  resetLogger();
});

function transport(options: Partial<GrpcTransportOptions> = {}): GrpcTransport {
  const t = new GrpcTransport({
    url: rx.endpoint,
    path: TRACE_EXPORT_PATH,
    metadata: {},
    compression: 'none',
    userAgent: 'test',
    ...options,
  });
  transports.push(t);
  return t;
}

function request(...names: string[]): Uint8Array {
  return buildTraceRequest(finished(...names));
}

function finished(...names: string[]): ReadableSpan[] {
  return finishedSpans('grpc-transport-test', ...names);
}

function errorOf(response: ExportResponse): Error & { code?: number; details?: string } {
  if (response.status !== 'failure') throw new Error(`expected a failure, got ${response.status}`);
  return response.error;
}

/** An HTTP/2 frame: type, flags, stream id, payload. */
function h2Frame(type: number, flags: number, stream: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(9);
  header.writeUIntBE(payload.length, 0, 3);
  header[3] = type;
  header[4] = flags;
  header.writeUInt32BE(stream, 5);
  return Buffer.concat([header, payload]);
}

/** An HPACK integer with an N-bit prefix (RFC 7541 5.1). */
function hpackInteger(value: number, prefixBits: number): number[] {
  const max = (1 << prefixBits) - 1;
  if (value < max) return [value];
  const bytes = [max];
  let rest = value - max;
  for (; rest >= 128; rest = Math.floor(rest / 128)) bytes.push((rest % 128) + 128);
  bytes.push(rest);
  return bytes;
}

/** A header field, literal without indexing, new name (RFC 7541 6.2.2). */
function hpackLiteral(name: string, value: string): Buffer {
  return Buffer.concat([
    Buffer.from([0x00, ...hpackInteger(name.length, 7)]),
    Buffer.from(name),
    Buffer.from(hpackInteger(value.length, 7)),
    Buffer.from(value),
  ]);
}

/** A bare HTTP/2 server on loopback; `handler` answers each stream. */
async function h2Server(
  handler: (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders) => void,
) {
  const server = http2.createServer();
  server.on('stream', handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('GrpcTransport against a gRPC server (the test receiver, grpc-js)', () => {
  it('delivers an export request and resolves success with the response', async () => {
    const result = await transport().send(request('a', 'b'), 5_000);
    expect(result.status).toBe('success');
    expect(rx.spans().map((s) => s.name)).toEqual(['a', 'b']);
  });

  it('sends the metadata as headers', async () => {
    await transport({ metadata: grpcMetadata({ Authorization: 'Bearer t0k', 'x-tenant': 'acme' }) }).send(
      request('m'),
      5_000,
    );
    expect(rx.metadata()[0]).toMatchObject({ authorization: 'Bearer t0k', 'x-tenant': 'acme' });
  });

  it('gzip-compresses the message, and the server reads it', async () => {
    const result = await transport({ compression: 'gzip' }).send(request('zipped'), 5_000);
    expect(result.status).toBe('success');
    expect(rx.spans().map((s) => s.name)).toEqual(['zipped']);
  });

  it('reports UNAVAILABLE from the server as retryable code 14', async () => {
    rx.setMode('unavailable');
    const error = errorOf(await transport().send(request('x'), 5_000));
    expect(error.code).toBe(14);
    expect(isRetryableExportError(error)).toBe(true);
    expect(rx.spans()).toEqual([]);
    // Answered: the collector is reached and sheds load or restarts (its memory_limiter answers
    // so), as an HTTP 503 says; not "unreachable", and its connection is not recreated for it.
    expect(classifyExportError(error)).toBe('rejected');
    expect(describeExportError(error)).toBe(
      'UNAVAILABLE (14): otlp-receiver: mode unavailable (the collector is overloaded or restarting)',
    );
  });

  it('reports DEADLINE_EXCEEDED from the server as code 4', async () => {
    rx.setMode('deadline');
    expect(errorOf(await transport().send(request('x'), 5_000)).code).toBe(4);
  });

  it('gives up on a server that never answers at the timeout, then reconnects for the next call', async () => {
    rx.setMode('hang');
    const t = transport();
    const started = Date.now();
    const error = errorOf(await t.send(request('hung'), 200));
    expect(error.code).toBe(4);
    expect(error.message).toMatch(/Deadline exceeded after 200 ms/);
    expect(Date.now() - started).toBeLessThan(2_000);
    rx.setMode('ok');
    expect((await t.send(request('after'), 5_000)).status).toBe('success');
    expect(rx.spans().map((s) => s.name)).toEqual(['after']);
  });

  it('survives a server restart: the next call opens a new connection', async () => {
    const t = transport();
    expect((await t.send(request('before'), 5_000)).status).toBe('success');
    await rx.stop();
    const down = errorOf(await t.send(request('lost'), 2_000));
    expect(down.code).toBe(14);
    await rx.restart();
    expect((await t.send(request('back'), 5_000)).status).toBe('success');
    expect(rx.spans().map((s) => s.name)).toEqual(['before', 'back']);
  });
});

describe('GrpcTransport failures without a gRPC answer', () => {
  it('a refused connection is UNAVAILABLE: "No connection established", with the cause', async () => {
    const url = await h2Server(() => {});
    servers.pop()?.close();
    await new Promise((r) => setTimeout(r, 20));
    const error = errorOf(await transport({ url }).send(request('x'), 2_000));
    expect(error.code).toBe(14);
    expect(error.details).toMatch(/^No connection established\. Last error: .*ECONNREFUSED/);
    expect(isRetryableExportError(error)).toBe(true);
    expect(classifyExportError(error)).toBe('unreachable');
  });

  it('maps an HTTP status without grpc-status as gRPC specifies (503 → UNAVAILABLE, 401 → UNAUTHENTICATED)', async () => {
    let status = 503;
    const url = await h2Server((stream) => {
      stream.respond({ ':status': status, 'content-type': 'text/plain' });
      stream.end('proxy says no');
    });
    const t = transport({ url });
    expect(errorOf(await t.send(request('x'), 2_000)).code).toBe(14);
    status = 401;
    const error = errorOf(await t.send(request('x'), 2_000));
    expect(error.code).toBe(16);
    expect(error.details).toBe('Received HTTP status code 401');
  });

  it('reads a trailers-only answer and decodes grpc-message', async () => {
    const url = await h2Server((stream) => {
      stream.respond(
        {
          ':status': 200,
          'content-type': 'application/grpc',
          'grpc-status': '16',
          'grpc-message': 'bad%20token%3A%20expired',
        },
        { endStream: true },
      );
    });
    const error = errorOf(await transport({ url }).send(request('x'), 2_000));
    expect(error.code).toBe(16);
    expect(error.message).toBe('16 UNAUTHENTICATED: bad token: expired');
    expect(isRetryableExportError(error)).toBe(false);
  });

  // A collector's answer is a few bytes. A broken or hostile endpoint that streams an endless body,
  // or a small gzip message that inflates to gigabytes, was read whole into memory (and inflated in
  // one synchronous call); now each stops at MAX_RESPONSE_BYTES, fails the call without a retry and
  // says why.
  it('stops reading an answer over MAX_RESPONSE_BYTES and fails the call, not retried', async () => {
    let sent = 0;
    const url = await h2Server((stream) => {
      stream.on('error', () => {});
      stream.respond({ ':status': 200, 'content-type': 'application/grpc' });
      const chunk = Buffer.alloc(64 * 1024, 1);
      const pump = () => {
        while (!stream.destroyed && sent < 64 * MAX_RESPONSE_BYTES) {
          sent += chunk.length;
          if (!stream.write(chunk)) return void stream.once('drain', pump);
        }
      };
      pump();
    });
    const started = Date.now();
    const error = errorOf(await transport({ url }).send(request('x'), 10_000));
    expect(error.message).toContain(`the collector's answer exceeded ${MAX_RESPONSE_BYTES} bytes`);
    expect(isRetryableExportError(error)).toBe(false);
    // It stopped the stream: far less than the 64 MiB the server would send was sent.
    expect(sent).toBeLessThan(8 * MAX_RESPONSE_BYTES);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('fails a gzip answer that inflates past MAX_RESPONSE_BYTES, without inflating it all', async () => {
    const bomb = zlib.gzipSync(Buffer.alloc(16 * MAX_RESPONSE_BYTES)); // 16 MiB of zeros, ~16 KB
    const frame = Buffer.alloc(5);
    frame[0] = 1;
    frame.writeUInt32BE(bomb.length, 1);
    const url = await h2Server((stream) => {
      stream.respond(
        { ':status': 200, 'content-type': 'application/grpc', 'grpc-encoding': 'gzip' },
        { waitForTrailers: true },
      );
      stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
      stream.end(Buffer.concat([frame, bomb]));
    });
    const error = errorOf(await transport({ url }).send(request('x'), 10_000));
    expect(error.message).toMatch(/^13 INTERNAL: unreadable response: /);
    expect(error.message).toContain(String(MAX_RESPONSE_BYTES));
    expect(isRetryableExportError(error)).toBe(false);
  });

  // A raw HTTP/2 server answers with one header block of 1 MiB (a grpc-message that long, in
  // CONTINUATION frames). The client's HTTP/2 session stopped inside it: closing the stream at the
  // deadline never ended it, the call never settled, and every later call went to that session.
  it('an answer whose headers are 1 MiB: the call fails at its deadline, and the next one reconnects', async () => {
    const sockets: Socket[] = [];
    const server = createTcpServer((socket) => {
      sockets.push(socket);
      socket.on('error', () => {});
      socket.write(h2Frame(4, 0, 0, Buffer.alloc(0))); // SETTINGS
      socket.once('data', () => {
        socket.write(h2Frame(4, 1, 0, Buffer.alloc(0))); // SETTINGS ack
        const block = Buffer.concat([
          Buffer.from([0x88]), // :status 200
          hpackLiteral('content-type', 'application/grpc'),
          hpackLiteral('grpc-status', '14'),
          hpackLiteral('grpc-message', 'm'.repeat(1024 * 1024)),
        ]);
        const frames = Math.ceil(block.length / 16_384);
        for (let i = 0; i < frames; i++) {
          const flags = (i === 0 ? 0x1 : 0) | (i === frames - 1 ? 0x4 : 0); // END_STREAM, END_HEADERS
          socket.write(h2Frame(i === 0 ? 1 : 9, flags, 1, block.subarray(i * 16_384, (i + 1) * 16_384)));
        }
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const t = transport({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
      for (const round of [1, 2]) {
        const started = Date.now();
        const result = await Promise.race([
          t.send(request('x'), 300),
          new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 3_000)),
        ]);
        expect(result, `call ${round} still pending after 3 s`).toBeDefined();
        expect(Date.now() - started).toBeLessThan(1_500);
        const error = errorOf(result!);
        // Node 20 stays inside the block until our deadline (DEADLINE_EXCEEDED); Node 26 refuses
        // the block at once, ending the session (UNAVAILABLE). Either way the call settles and is retried.
        expect([4, 14]).toContain(error.code);
        expect(isRetryableExportError(error)).toBe(true);
        expect(sockets).toHaveLength(round);
      }
    } finally {
      for (const socket of sockets) socket.destroy();
      server.close();
    }
  });

  // A collector's answer with a grpc-message of 1 MiB: a Node HTTP/2 server cannot send that header
  // block (it resets the stream with FRAME_SIZE_ERROR), and a grpc-js one sends what Node's client
  // refuses ("Protocol error", Node 22 on; Node 20 stays inside it until the deadline). Both were
  // named "collector unreachable", the second with the advice that the port speaks no HTTP/2,
  // when the connection had spoken HTTP/2 and the collector had answered: its answer did not
  // arrive whole. Retried (UNAVAILABLE, within the budget, on a new connection): whether it took
  // the spans is unknown, as for a call past its deadline.
  it('an answer too large to arrive whole is named so, not as an unreachable collector, and retried', async () => {
    const url = await h2Server((stream) => {
      stream.on('error', () => {});
      stream.resume();
      stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
      stream.on('wantTrailers', () =>
        stream.sendTrailers({ 'grpc-status': '14', 'grpc-message': 'm'.repeat(1024 * 1024) }),
      );
      stream.end();
    });
    const naming = collectorNaming(url);
    rx.setMode({ grpcStatus: { code: 14, message: 'm'.repeat(1024 * 1024) } });
    for (const endpoint of [url, rx.endpoint]) {
      const error = errorOf(await transport({ url: endpoint }).send(request('x'), 1_500));
      const cause = collectorCause(error, { ...naming, endpoint });
      expect(cause).not.toMatch(/unreachable|does not answer HTTP\/2/);
      expect(isRetryableExportError(error)).toBe(true);
      // Node 20 against grpc-js: no end to the header block until the deadline.
      if (error.code === 4) continue;
      expect(error.code).toBe(14);
      expect(cause).toContain(`collector at ${endpoint} sent an answer that did not arrive whole`);
      expect(cause.length).toBeLessThan(600);
    }
  });

  // An endpoint that accepts the connection and never sends a byte (no HTTP/2 SETTINGS: a stuck
  // proxy, a port that speaks something else and waits for its client): the deadline said only
  // "Deadline exceeded after 300 ms", as for a collector that is slow to answer.
  it('a connection on which the server never speaks: DEADLINE_EXCEEDED, saying no HTTP/2 SETTINGS came', async () => {
    const sockets: Socket[] = [];
    const server = createTcpServer((socket) => {
      sockets.push(socket);
      socket.on('error', () => {});
      socket.resume();
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const t = transport({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
      const error = errorOf(await t.send(request('x'), 300));
      expect(error.code).toBe(4);
      expect(error.details).toBe(
        'Deadline exceeded after 300 ms: the connection opened, but the server never spoke HTTP/2 on it (no SETTINGS frame)',
      );
      expect(isRetryableExportError(error)).toBe(true);
    } finally {
      for (const socket of sockets) socket.destroy();
      server.close();
    }
  });

  // An http:// endpoint on a TLS port (or any server that hangs up on the HTTP/2 preface): the
  // connection closes before the server sent a SETTINGS frame. Named "rejecting exports (CANCELLED
  // … RST_STREAM CANCEL)", as if a collector had answered, with no hint of the port or https://.
  it('a connection closed before the server spoke HTTP/2 (a TLS port): unreachable, with the port/https hint', async () => {
    const server = createTcpServer((socket) => {
      socket.on('error', () => {});
      socket.once('data', () => socket.destroy()); // as Node's TLS server does with a non-TLS hello
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const error = errorOf(await transport({ url }).send(request('x'), 2_000));
      expect(error.code).toBe(14);
      expect(error.details).toBe(
        'the connection closed before the server spoke HTTP/2 on it (no SETTINGS frame)',
      );
      expect(isRetryableExportError(error)).toBe(true);
      expect(collectorCause(error, collectorNaming(url))).toBe(
        `collector unreachable at ${url} (UNAVAILABLE (14): the connection closed before the server spoke HTTP/2 on it (no SETTINGS frame)); it does not answer HTTP/2 (OTLP/gRPC) there: an OTLP/HTTP port (4318 by default; OTLP/gRPC is 4317), or one that needs https://?`,
      );
    } finally {
      server.close();
    }
  });

  it('an answer trickled a byte at a time still ends at the deadline, as DEADLINE_EXCEEDED', async () => {
    const url = await h2Server((stream) => {
      stream.on('error', () => {});
      stream.respond({ ':status': 200, 'content-type': 'application/grpc' });
      const drip = setInterval(() => stream.write(Buffer.from([0])), 20);
      stream.on('close', () => clearInterval(drip));
    });
    const error = errorOf(await transport({ url }).send(request('x'), 300));
    expect(error.code).toBe(4);
    expect(error.details).toBe('Deadline exceeded after 300 ms');
  });

  it('a redirect is not followed: the status is the failure, and the other port sees nothing', async () => {
    let elsewhere = 0;
    const other = createTcpServer((socket) => {
      elsewhere++;
      socket.destroy();
    });
    other.listen(0, '127.0.0.1');
    await once(other, 'listening');
    try {
      const to = `http://127.0.0.1:${(other.address() as AddressInfo).port}/opentelemetry.proto.collector.trace.v1.TraceService/Export`;
      const url = await h2Server((stream) => {
        stream.respond({ ':status': 307, location: to });
        stream.end();
      });
      const error = errorOf(await transport({ url }).send(request('x'), 2_000));
      expect(error.code).toBe(2);
      expect(error.details).toBe('Received HTTP status code 307');
      expect(isRetryableExportError(error)).toBe(false);
      await new Promise((r) => setTimeout(r, 100));
      expect(elsewhere).toBe(0);
    } finally {
      other.close();
    }
  });

  it('a stream reset with REFUSED_STREAM is UNAVAILABLE', async () => {
    const url = await h2Server((stream) => {
      stream.on('error', () => {});
      stream.close(http2.constants.NGHTTP2_REFUSED_STREAM);
    });
    expect(errorOf(await transport({ url }).send(request('x'), 2_000)).code).toBe(14);
  });

  // Issue #20 item 5: a call in flight when a hung connection closed failed as CANCELLED and was
  // not retried, losing its 512 spans.
  it('a call the server cancels (RST_STREAM CANCEL) is retried on a fresh connection', async () => {
    const sessions = new Set<http2.Http2Session>();
    let calls = 0;
    const url = await h2Server((stream) => {
      stream.on('error', () => {});
      stream.on('data', () => {});
      sessions.add(stream.session!);
      if (++calls === 1) {
        // Hung at first, then the connection's stream is cancelled as the collector drops it.
        setTimeout(() => stream.close(http2.constants.NGHTTP2_CANCEL), 100);
        return;
      }
      stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
      stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
      stream.end();
    });
    const t = transport({ url });
    const first = errorOf(await t.send(request('x'), 5_000));
    expect(first.code).toBe(1);
    expect(isRetryableExportError(first)).toBe(true);
    const exporter = new RetryingExporter(new OtlpSpanExporter(transport({ url }), 5_000), {
      deadlineMillis: 5_000,
    });
    sessions.clear();
    calls = 0;
    const result = await new Promise<ExportResult>((resolve) => exporter.export(finished('y'), resolve));
    expect(result.code).toBe(0);
    expect(calls).toBe(2);
    expect(sessions.size).toBe(2);
  });

  it('puts gRPC framing, headers and gzip on the wire as the protocol says', async () => {
    const seen: { headers: http2.IncomingHttpHeaders; body: Buffer }[] = [];
    const url = await h2Server((stream, headers) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        seen.push({ headers, body: Buffer.concat(chunks) });
        stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
        stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
        stream.end(Buffer.from([0, 0, 0, 0, 0]));
      });
    });
    const message = request('wire');
    const result = await transport({ url, compression: 'gzip', metadata: { 'x-k': 'v' } }).send(
      message,
      1_500,
    );
    expect(result.status).toBe('success');
    const { headers, body } = seen[0]!;
    expect(headers).toMatchObject({
      ':method': 'POST',
      ':path': TRACE_EXPORT_PATH,
      'content-type': 'application/grpc',
      te: 'trailers',
      'grpc-encoding': 'gzip',
      'grpc-timeout': '1500m',
      'x-k': 'v',
    });
    expect(body[0]).toBe(1); // compressed flag
    expect(body.readUInt32BE(1)).toBe(body.length - 5);
    expect(Buffer.from(zlib.gunzipSync(body.subarray(5))).equals(Buffer.from(message))).toBe(true);
  });

  it('fails every call after shutdown() without connecting', async () => {
    const t = transport();
    t.shutdown();
    const error = errorOf(await t.send(request('late'), 1_000));
    expect(error.code).toBe(14);
    expect(rx.requestCount).toBe(0);
  });
});

describe('grpcMetadata', () => {
  it('lowercases names and leaves out reserved or malformed ones, naming each', () => {
    const lines: string[] = [];
    setLogSink((_level, line) => lines.push(line));
    const metadata = grpcMetadata({
      'X-Api-Key': 'k',
      te: 'x',
      'grpc-timeout': '1S',
      'bad name': 'v',
      ok: 'a\nb',
    });
    expect(metadata).toEqual({ 'x-api-key': 'k' });
    expect(lines.join('\n')).toMatch(
      /OTLP header "te" was given, but the gRPC exporter sets this header itself/,
    );
    expect(lines.join('\n')).toMatch(/OTLP header "bad name" was given, but it is not a valid header/);
    expect(lines.join('\n')).toMatch(/OTLP header "ok" was given, but it is not a valid header/);
  });
});
