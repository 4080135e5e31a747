// OTLP/HTTP to an http:// endpoint whose connection closes before any byte of an answer: a TLS
// port (a real node:tls server), or a server that hangs up on the request. The loss line said only
// `ECONNRESET: socket hang up`, as for a collector that crashed, with no word of https://. A reset
// after part of an answer (a status line) is no TLS port: it keeps its line as it was.
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { type AddressInfo, createServer as createTcpServer, type Server, type Socket } from 'node:net';
import tls from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { resetLogger } from '../../../src/diag/log.js';
import { collectorCause, collectorNaming } from '../../../src/export/collector-cause.js';
import {
  classifyExportError,
  describeExportError,
  isRetryableExportError,
} from '../../../src/export/export-errors.js';
import { httpTransport, shutdownHttpTransports, traceRequest } from '../../support/http-transport.js';
import { lossLine } from '../../support/loss-line.js';
import { useTestCerts } from '../../support/test-certs.js';

const file = useTestCerts();
const HINT = "if the collector's port speaks TLS, the endpoint should be https://";

const servers: Server[] = [];
afterEach(async () => {
  shutdownHttpTransports();
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
  resetLogger();
});

async function listen(server: Server): Promise<number> {
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

/** A plaintext server that, on the request's first bytes, writes `answer` (maybe nothing) and then ends the connection `how`. */
function rawServer(answer: string, how: 'close' | 'reset'): Server {
  return createTcpServer((socket: Socket) => {
    socket.on('error', () => {});
    socket.once('data', () => {
      socket.write(answer);
      setTimeout(() => (how === 'reset' ? socket.resetAndDestroy() : socket.destroy()), 20);
    });
  });
}

/** The failure of one request to `url`; fails the test if it took 2 s (its timeout is 10 s). */
async function failure(url: string, body = traceRequest('a')): Promise<Error & { code?: unknown }> {
  const started = Date.now();
  const response = await httpTransport({ url }).send(body, 10_000);
  expect(Date.now() - started).toBeLessThan(2_000);
  if (response.status !== 'failure') throw new Error(`expected a failure, got ${response.status}`);
  return response.error;
}

describe('OTLP/HTTP: a connection closed before any HTTP answer', () => {
  it('a TLS port reached with http://: ECONNRESET, unreachable and retried, with the https:// hint', async () => {
    const server = tls.createServer({
      key: readFileSync(file('server.key')),
      cert: readFileSync(file('server.pem')),
    });
    server.on('tlsClientError', () => {}); // ERR_SSL_HTTP_REQUEST: the server hangs up, unanswered
    const url = `http://127.0.0.1:${await listen(server)}/v1/traces`;
    // A request of 1 MiB is still being written when the server hangs up.
    for (const body of [traceRequest('a'), new Uint8Array(1024 * 1024)]) {
      const error = await failure(url, body);
      expect(classifyExportError(error)).toBe('unreachable');
      expect(isRetryableExportError(error)).toBe(true);
      // Node says `socket hang up` when the server's FIN comes first, `read ECONNRESET` for its RST
      // (`write EPIPE`, should a write of the body meet it first).
      const said = describeExportError(error);
      expect(said).toMatch(
        /^(ECONNRESET: socket hang up|read ECONNRESET|write EPIPE): the connection closed before any HTTP answer$/,
      );
      const cause = `collector unreachable at ${url}: ${error.code} (${said}); ${HINT}`;
      expect(collectorCause(error, collectorNaming(url))).toBe(cause);
      expect(lossLine(url, error)).toBe(`[@acme/otel] failed to export 3 spans to ${url}: ${cause}`);
    }
  });

  it.each([
    ['closes', 'close'],
    ['resets', 'reset'],
  ] as const)(
    'a plaintext server that %s the connection on the request, unanswered: the hint too',
    async (_, how) => {
      const url = `http://127.0.0.1:${await listen(rawServer('', how))}/v1/traces`;
      const error = await failure(url);
      expect(error.code).toBe('ECONNRESET');
      expect(describeExportError(error)).toMatch(/: the connection closed before any HTTP answer$/);
      expect(lossLine(url, error)).toMatch(new RegExp(`; ${HINT.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`));
    },
  );

  it.each([
    ['closes', 'close', 'ECONNRESET: socket hang up'],
    ['resets', 'reset', 'read ECONNRESET'],
  ] as const)(
    'a server that sends a status line, then %s the connection: ECONNRESET as before, no hint',
    async (_, how, said) => {
      const url = `http://127.0.0.1:${await listen(rawServer('HTTP/1.1 200 OK\r\n', how))}/v1/traces`;
      const error = await failure(url);
      expect(error.code).toBe('ECONNRESET');
      expect(isRetryableExportError(error)).toBe(true);
      expect(describeExportError(error)).toBe(said);
      expect(lossLine(url, error)).toBe(
        `[@acme/otel] failed to export 3 spans to ${url}: collector unreachable at ${url}: ECONNRESET (${said})`,
      );
    },
  );

  // Not a close: Go's net/http over TLS (the Collector's OTLP/HTTP receiver with TLS on) answers a
  // plaintext request with a 400 and this text, byte for byte, then closes.
  it("a Go HTTPS server's 400 to a plaintext request: the collector rejected it, with the https:// hint", async () => {
    const go = 'HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n';
    const url = `http://127.0.0.1:${await listen(rawServer(go, 'close'))}/v1/traces`;
    const error = await failure(url);
    expect(error.code).toBe(400);
    expect(lossLine(url, error)).toMatch(
      /: HTTP 400: Bad Request: Client sent an HTTP request to an HTTPS server\.?; the collector's port speaks TLS: use https:\/\/ in the endpoint$/,
    );
  });

  it('https:// to a server that hangs up on the hello: its TLS error, no http:// advice', async () => {
    const url = `https://127.0.0.1:${await listen(rawServer('', 'close'))}/v1/traces`;
    const error = await failure(url);
    expect(error.code).toBe('ECONNRESET');
    expect(describeExportError(error)).not.toMatch(/before any HTTP answer/);
    expect(lossLine(url, error)).not.toContain('https://;');
    expect(collectorCause(error, collectorNaming(url))).not.toContain(HINT);
  });
});
