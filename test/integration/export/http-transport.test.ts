// The node:http OTLP/HTTP transport against real servers: the test receiver (OTLP/HTTP protobuf)
// for what a collector answers, bare node:http servers for what a proxy or a broken server sends
// (statuses, endless answers, no answer), and closed ports and resets for a collector that is down.
// Each request ends with its own answer or error: retrying is the retrying exporter's.
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer as createTcpServer } from 'node:net';
import zlib from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/config/resolve.js';
import { resetLogger, setLogSink } from '../../../src/diag/log.js';
import {
  classifyExportError,
  describeExportError,
  isRetryableExportError,
  PartialSuccessError,
} from '../../../src/export/export-errors.js';
import { checkedHeaders } from '../../../src/export/otlp/grpc-options.js';
import { MAX_RESPONSE_BYTES } from '../../../src/export/otlp/grpc-transport.js';
import { httpTransportOptions } from '../../../src/export/otlp/http-options.js';
import type { HttpTransport, HttpTransportOptions } from '../../../src/export/otlp/http-transport.js';
import { successResult } from '../../../src/export/otlp/span-exporter.js';
import {
  type BodyHandler,
  closeHttpServers,
  httpServer,
  openConnections,
} from '../../support/http-server.js';
import { httpTransport, shutdownHttpTransports, traceRequest } from '../../support/http-transport.js';
import { lossLine } from '../../support/loss-line.js';
import { type OtlpReceiver, startReceiver } from '../../support/otlp-receiver.mjs';

let rx: OtlpReceiver;

beforeAll(async () => {
  rx = await startReceiver({ port: 0, http: true });
});
afterAll(() => rx.stop());
afterEach(async () => {
  shutdownHttpTransports();
  await closeHttpServers();
  rx.setMode('ok');
  rx.clear();
  resetLogger();
});

function transport(options: Partial<HttpTransportOptions> = {}): HttpTransport {
  return httpTransport({ url: rx.httpEndpoint as string, ...options });
}

const request = traceRequest;

async function server(handler: BodyHandler): Promise<string> {
  return (await httpServer(handler)).url;
}

describe('OTLP/HTTP transport', () => {
  it('delivers spans to the receiver, plain and gzipped', async () => {
    for (const compression of ['none', 'gzip'] as const) {
      const response = await transport({ compression }).send(request('a', 'b'), 5_000);
      expect(response.status).toBe('success');
    }
    expect(rx.spans().map((s) => s.name)).toEqual(['a', 'b', 'a', 'b']);
  });

  it('sends the protobuf with its headers, the given ones, and gzip when asked', async () => {
    const seen: { headers: IncomingMessage['headers']; body: Buffer }[] = [];
    const url = await server((req, res, body) => {
      seen.push({ headers: req.headers, body });
      res.end();
    });
    const message = request('a');
    const chunks = [message.subarray(0, 10), message.subarray(10)];
    const headers = { 'x-api-key': 'k1', host: 'collector.example' };
    expect((await transport({ url, headers }).send(chunks, 5_000)).status).toBe('success');
    expect((await transport({ url, headers, compression: 'gzip' }).send(message, 5_000)).status).toBe(
      'success',
    );
    const [plain, gzipped] = seen;
    expect(plain?.headers['content-type']).toBe('application/x-protobuf');
    expect(plain?.headers['x-api-key']).toBe('k1');
    expect(plain?.headers.host).toBe('collector.example'); // an ingress routing by host name
    expect(plain?.headers['user-agent']).toMatch(/^OTel-OTLP-Exporter-JavaScript/);
    expect(plain?.headers['content-encoding']).toBeUndefined();
    expect(Buffer.compare(plain?.body as Buffer, Buffer.from(message))).toBe(0);
    expect(gzipped?.headers['content-encoding']).toBe('gzip');
    expect(Buffer.compare(zlib.gunzipSync(gzipped?.body as Buffer), Buffer.from(message))).toBe(0);
  });

  it('a 2xx answer is a success carrying its body (a partial_success)', async () => {
    const url = await server((_req, res) => res.end(Buffer.from([0x0a, 0x02, 0x08, 0x03])));
    const response = await transport({ url }).send(request('a'), 5_000);
    expect(response).toEqual({ status: 'success', data: Buffer.from([0x0a, 0x02, 0x08, 0x03]) });
  });

  it('a compressed answer is read inflated: its partial_success counts, and a bomb is not inflated past the bound', async () => {
    const partial = Buffer.from([0x0a, 0x07, 0x08, 0x03, 0x12, 0x03, 0x71, 0x75, 0x6f]); // 3 rejected, "quo"
    for (const [coding, encode] of [
      ['gzip', zlib.gzipSync],
      ['deflate', zlib.deflateSync],
      ['br', zlib.brotliCompressSync],
    ] as const) {
      const url = await server((_req, res) =>
        res.writeHead(200, { 'Content-Encoding': coding }).end(encode(partial)),
      );
      const response = await transport({ url }).send(request('a'), 5_000);
      expect(successResult((response as { data?: Uint8Array }).data).error).toEqual(
        new PartialSuccessError(3, 'quo'),
      );
    }
    const bomb = zlib.gzipSync(Buffer.alloc(10 * MAX_RESPONSE_BYTES));
    const url = await server((_req, res) => res.writeHead(200, { 'Content-Encoding': 'gzip' }).end(bomb));
    const error = ((await transport({ url }).send(request('a'), 5_000)) as { error: Error }).error;
    expect(error.message).toContain(`exceeded ${MAX_RESPONSE_BYTES} bytes`);
  });

  it('a 2xx web page (a web server, not a collector) is said once: the spans are counted as exported', async () => {
    const lines: string[] = [];
    setLogSink((_level, line) => lines.push(line));
    const page = '<!DOCTYPE html><html><head><title>Welcome to nginx!</title></head><body>…</body></html>';
    const url = (
      await server((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end(page))
    ).replace('http://', 'http://ops:s3cr3t@');
    const t = transport({ url });
    for (let i = 0; i < 3; i++) expect((await t.send(request('a'), 5_000)).status).toBe('success');
    expect(lines).toEqual([
      `[@acme/otel] the OTLP/HTTP endpoint ${url.replace('ops:s3cr3t', 'REDACTED:REDACTED')} answered HTTP 200 with a web page (Welcome to nginx! …), not an OTLP answer: the spans sent there are counted as exported but are probably lost. Is it a collector (OTLP/HTTP listens on 4318, at /v1/traces)?`,
    ]);
  });

  it('another status fails at once with it, retryable or not as upstream classes it', async () => {
    const cases: [number, boolean, string][] = [
      [503, true, 'HTTP 503: Service Unavailable: no (the collector is overloaded or restarting)'],
      [429, true, 'HTTP 429: Too Many Requests: no (the collector is throttling: overloaded)'],
      [413, false, 'HTTP 413: Payload Too Large: no'],
      [400, false, 'HTTP 400: Bad Request: no'],
    ];
    for (const [status, retryable, described] of cases) {
      let calls = 0;
      const url = await server((_req, res) => {
        calls++;
        res.writeHead(status).end('no');
      });
      const response = await transport({ url }).send(request('a'), 5_000);
      expect(response.status).toBe('failure');
      const error = (response as { error: Error }).error;
      expect(calls, 'one request: no retry inside the transport').toBe(1);
      expect(isRetryableExportError(error)).toBe(retryable);
      expect(describeExportError(error)).toBe(described);
    }
  });

  it("an error quotes the collector's message (a Status, or a proxy's text), scrubbed, on the loss line too", async () => {
    const message = Buffer.from('invalid span: trace_id is 15 bytes; token=s3cr3t-t0k3n');
    const rpcStatus = Buffer.concat([Buffer.from([0x08, 0x03, 0x12, message.length]), message]);
    const url = await server((_req, res) =>
      res.writeHead(400, { 'Content-Type': 'application/x-protobuf' }).end(rpcStatus),
    );
    const error = ((await transport({ url }).send(request('a'), 5_000)) as { error: Error }).error;
    expect(describeExportError(error)).toBe(
      'HTTP 400: Bad Request: invalid span: trace_id is 15 bytes; token=[REDACTED]',
    );
    expect(lossLine(url, error)).toBe(
      `[@acme/otel] failed to export 3 spans to ${url}: HTTP 400: Bad Request: invalid span: trace_id is 15 bytes; token=[REDACTED]`,
    );
  });

  it('an error answer past the bound is still its status: a 503 with a long page is retried', async () => {
    const page = `<html><body><h1>Service Unavailable</h1>${'<p>maintenance</p>'.repeat(8_000)}</body></html>`;
    const url = await server((_req, res) => res.writeHead(503, { 'Content-Type': 'text/html' }).end(page));
    const error = ((await transport({ url }).send(request('a'), 5_000)) as { error: Error }).error;
    expect((error as { code?: number }).code).toBe(503);
    expect(isRetryableExportError(error)).toBe(true);
    expect(describeExportError(error)).toMatch(
      /^HTTP 503: Service Unavailable: Service Unavailable maintenance/,
    );
  });

  it("a redirect names the Location (scrubbed) as the endpoint to set: Node's http follows none", async () => {
    for (const [status, location, shown] of [
      [
        308,
        'https://collector.example/v1/traces?api_key=k3y',
        'https://collector.example/v1/traces?api_key=REDACTED',
      ],
      [307, '/otlp/v1/traces', '/otlp/v1/traces'],
    ] as const) {
      let calls = 0;
      const url = await server((_req, res) => {
        calls++;
        res.writeHead(status, { Location: location }).end();
      });
      const error = ((await transport({ url }).send(request('a'), 5_000)) as { error: Error }).error;
      expect(calls).toBe(1);
      expect(isRetryableExportError(error)).toBe(false);
      const target = shown.startsWith('/') ? new URL(shown, url).href : shown;
      expect(lossLine(url, error)).toBe(
        `[@acme/otel] failed to export 3 spans to ${url}: HTTP ${status}: ${status === 308 ? 'Permanent' : 'Temporary'} Redirect; the endpoint redirects, and redirects are not followed: set the traces endpoint (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, used as given) to where it points, ${target}`,
      );
    }
  });

  it("a 429 or 503 carries the answer's Retry-After, in seconds or as a date", async () => {
    for (const [value, low, high] of [
      ['7', 7_000, 7_000],
      [new Date(Date.now() + 20_000).toUTCString(), 15_000, 20_000],
      ['soon', undefined, undefined],
    ] as const) {
      const url = await server((_req, res) => res.writeHead(429, { 'Retry-After': value }).end());
      const response = await transport({ url }).send(request('a'), 5_000);
      const asked = (response as { error: { retryAfterMillis?: number } }).error.retryAfterMillis;
      if (low === undefined) expect(asked).toBeUndefined();
      else {
        expect(asked).toBeGreaterThanOrEqual(low);
        expect(asked).toBeLessThanOrEqual(high);
      }
    }
  });

  it('an error answer cut short is still its status, with its Retry-After (not "ECONNRESET: aborted")', async () => {
    const cut = createTcpServer((socket) => {
      socket.on('error', () => undefined);
      socket.once('data', () => {
        socket.write(
          'HTTP/1.1 429 Too Many Requests\r\nRetry-After: 3\r\nContent-Length: 100\r\n\r\nslow down',
        );
        setTimeout(() => socket.destroy(), 20);
      });
    });
    await new Promise<void>((resolve) => cut.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(cut.address() as AddressInfo).port}/v1/traces`;
      const error = ((await transport({ url }).send(request('a'), 5_000)) as { error: Error }).error;
      expect(error).toMatchObject({ code: 429, retryAfterMillis: 3_000 });
      expect(describeExportError(error)).toBe(
        'HTTP 429: Too Many Requests: slow down (the collector is throttling: overloaded)',
      );
    } finally {
      await new Promise((resolve) => cut.close(resolve));
    }
  });

  it('a refused or reset connection fails at once, with its code, retryable', async () => {
    const closed = createTcpServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const resetting = createTcpServer((socket) => socket.resetAndDestroy());
    await new Promise<void>((resolve) => resetting.listen(0, '127.0.0.1', resolve));
    try {
      for (const [port, code] of [
        [closedPort, 'ECONNREFUSED'],
        [(resetting.address() as AddressInfo).port, 'ECONNRESET'],
      ] as const) {
        const started = Date.now();
        const response = await transport({ url: `http://127.0.0.1:${port}/v1/traces` }).send(
          request('a'),
          10_000,
        );
        expect(Date.now() - started).toBeLessThan(2_000);
        const error = (response as { error: Error & { code?: string } }).error;
        expect(error.code).toBe(code);
        expect(classifyExportError(error)).toBe('unreachable');
        expect(isRetryableExportError(error)).toBe(true);
      }
    } finally {
      await new Promise((resolve) => resetting.close(resolve));
    }
  });

  it('no answer: fails after the timeout, as a timeout, and drops that connection', async () => {
    const { server: s, url } = await httpServer(() => undefined);
    const started = Date.now();
    const response = await transport({ url }).send(request('a'), 300);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    const error = (response as { error: Error }).error;
    expect(error.message).toBe('Request timed out after 300 ms');
    expect(classifyExportError(error)).toBe('timeout');
    expect(isRetryableExportError(error)).toBe(true);
    // A connection left open would hold the process (and the collector's socket) forever.
    for (let i = 0; i < 50 && (await openConnections(s)) > 0; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(await openConnections(s)).toBe(0);
  });

  it('an answer trickled a byte at a time still ends at the timeout, as a timeout, and its connection with it', async () => {
    // Each byte would reset a socket idle timeout: the bound is the request's own timer.
    const { server: s, url } = await httpServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/x-protobuf', 'Content-Length': '100000' });
      const drip = setInterval(() => res.write('\0'), 20);
      res.on('close', () => clearInterval(drip));
    });
    const error = ((await transport({ url }).send(request('a'), 300)) as { error: Error }).error;
    expect(error.message).toBe('Request timed out after 300 ms');
    expect(classifyExportError(error)).toBe('timeout');
    for (let i = 0; i < 50 && (await openConnections(s)) > 0; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(await openConnections(s)).toBe(0);
  });

  it("a header list past Node's limit fails at once, named, and is not retried", async () => {
    const raw = createTcpServer((socket) => {
      socket.on('error', () => {});
      socket.once('data', () => {
        let head = 'HTTP/1.1 200 OK\r\n';
        for (let i = 0; i < 5_000; i++) head += `x-h${i}: ${'v'.repeat(20)}\r\n`;
        socket.end(`${head}content-length: 0\r\n\r\n`);
      });
    });
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(raw.address() as AddressInfo).port}/v1/traces`;
      const error = ((await transport({ url }).send(request('a'), 5_000)) as { error: Error }).error;
      expect((error as { code?: string }).code).toBe('HPE_HEADER_OVERFLOW');
      expect(isRetryableExportError(error)).toBe(false);
      expect(lossLine(url, error)).toBe(
        `[@acme/otel] failed to export 3 spans to ${url}: HPE_HEADER_OVERFLOW: Parse Error: Header overflow`,
      );
    } finally {
      raw.close();
    }
  });

  it(`an answer past ${MAX_RESPONSE_BYTES} bytes is not read, and not retried`, async () => {
    const url = await server((_req, res) => {
      res.writeHead(200);
      const chunk = Buffer.alloc(16 * 1024, 'x');
      const pump = () => {
        while (res.write(chunk)) {
          /* until the socket pushes back */
        }
      };
      res.on('drain', pump);
      pump();
    });
    const response = await transport({ url }).send(request('a'), 5_000);
    const error = (response as { error: Error }).error;
    expect(error.message).toContain(`exceeded ${MAX_RESPONSE_BYTES} bytes`);
    expect(isRetryableExportError(error)).toBe(false);
  });

  it('headers it sets itself, or that Node refuses, are left out with one line naming them, not their values', () => {
    const lines: string[] = [];
    setLogSink((_level, line) => lines.push(line));
    const headers = checkedHeaders(
      { 'Content-Type': 'text/plain', 'x-bad': 'sec\nret', 'X-Api-Key': 'k1' },
      (name) => name === 'content-type',
      'HTTP',
    );
    expect(headers).toEqual({ 'x-api-key': 'k1' });
    expect(lines).toHaveLength(2);
    expect(lines.join('\n')).toContain('"Content-Type"');
    expect(lines.join('\n')).toContain('"x-bad"');
    expect(lines.join('\n')).not.toContain('sec');
  });

  it('from the config: OTEL_EXPORTER_OTLP_HEADERS as given, Host included, what the exporter sets left out', () => {
    const lines: string[] = [];
    setLogSink((_level, line) => lines.push(line));
    const options = httpTransportOptions(
      resolveConfig(
        { endpoint: 'http://127.0.0.1:4318/v1/traces', protocol: 'http/protobuf' },
        { OTEL_EXPORTER_OTLP_HEADERS: 'Host=collector.example,Content-Type=text/plain,x-api-key=k1' },
      ),
    );
    expect(options.headers).toEqual({ host: 'collector.example', 'x-api-key': 'k1' });
    expect(lines).toEqual([
      expect.stringContaining('"Content-Type" was given, but the HTTP exporter sets this header itself'),
    ]);
  });

  it('after shutdown, a send fails without a request', async () => {
    let calls = 0;
    const url = await server((_req, res) => {
      calls++;
      res.end();
    });
    const t = transport({ url });
    t.shutdown();
    expect((await t.send(request('a'), 1_000)).status).toBe('failure');
    expect(calls).toBe(0);
  });
});
