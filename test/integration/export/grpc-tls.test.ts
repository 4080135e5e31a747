// OTLP/gRPC over TLS with the OTLP certificate variables, through the config the way initTracing
// builds the transport: a CA-signed server certificate, a missing CA, and mutual TLS.
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { createServer as createTcpServer } from 'node:net';
import tls from 'node:tls';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resolveConfig } from '../../../src/config/resolve.js';
import { resetLogger, setLogSink } from '../../../src/diag/log.js';
import { endpointHint, isRetryableExportError, networkErrorCode } from '../../../src/export/export-errors.js';
import { grpcTransportOptions } from '../../../src/export/otlp/grpc-options.js';
import { type ExportResponse, GrpcTransport } from '../../../src/export/otlp/grpc-transport.js';
import { mutualTlsEnv, useTestCerts } from '../../support/test-certs.js';

const file = useTestCerts();

const servers: http2.Http2SecureServer[] = [];
const transports: GrpcTransport[] = [];
afterEach(async () => {
  for (const t of transports.splice(0)) t.shutdown();
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
  resetLogger();
});

/** A TLS HTTP/2 server that answers every call with gRPC OK; `requestCert` asks for mutual TLS. */
async function tlsServer(requestCert = false, name = 'server') {
  const calls: { authorized: boolean; peer: string | undefined }[] = [];
  const server = http2.createSecureServer({
    key: readFileSync(file(`${name}.key`)),
    cert: readFileSync(file(`${name}.pem`)),
    ...(requestCert ? { requestCert: true, rejectUnauthorized: true, ca: readFileSync(file('ca.pem')) } : {}),
  });
  server.on('stream', (stream) => {
    const socket = stream.session?.socket as import('node:tls').TLSSocket | undefined;
    calls.push({
      authorized: socket?.authorized ?? false,
      peer: String(socket?.getPeerCertificate()?.subject?.CN ?? '') || undefined,
    });
    stream.on('error', () => {});
    stream.resume();
    stream.on('end', () => {
      stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
      stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
      stream.end(Buffer.from([0, 0, 0, 0, 0]));
    });
  });
  server.on('sessionError', () => {});
  server.on('tlsClientError', () => {});
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  servers.push(server);
  return { url: `https://localhost:${(server.address() as AddressInfo).port}`, calls };
}

function transportFor(url: string, env: Record<string, string>): GrpcTransport {
  const t = new GrpcTransport(grpcTransportOptions(resolveConfig({ endpoint: url }, env)));
  transports.push(t);
  return t;
}

function send(t: GrpcTransport): Promise<ExportResponse> {
  return t.send(new Uint8Array([10, 0]), 3_000);
}

describe('OTLP/gRPC over TLS', () => {
  it('trusts the CA named by OTEL_EXPORTER_OTLP_CERTIFICATE', async () => {
    const server = await tlsServer();
    const result = await send(transportFor(server.url, { OTEL_EXPORTER_OTLP_CERTIFICATE: file('ca.pem') }));
    expect(result.status).toBe('success');
    expect(server.calls).toHaveLength(1);
  });

  it("fails with UNAVAILABLE naming the certificate problem when the server's CA is not trusted", async () => {
    const server = await tlsServer();
    const result = await send(transportFor(server.url, {}));
    expect(result.status).toBe('failure');
    const error = (result as { error: Error & { code?: number; details?: string } }).error;
    expect(error.code).toBe(14);
    expect(error.details).toMatch(/^No connection established\. Last error: .*certificate/i);
    expect(server.calls).toHaveLength(0);
  });

  it('a certificate not accepted is not retried: every handshake would fail alike', async () => {
    // Retried as any UNAVAILABLE, it held a SIGTERM for the whole shutdown timeout (5 s, against
    // 0.5 s over OTLP/HTTP) saying "export failing, retrying".
    // And the line names the certificate's code, not ERR_HTTP2_STREAM_CANCEL.
    for (const [name, env, code] of [
      ['server', {}, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'],
      ['elsewhere', { OTEL_EXPORTER_OTLP_CERTIFICATE: file('ca.pem') }, 'ERR_TLS_CERT_ALTNAME_INVALID'],
    ] as const) {
      const server = await tlsServer(false, name);
      const result = await send(transportFor(server.url, env));
      expect(result.status).toBe('failure');
      const error = (result as { error: Error }).error;
      expect(isRetryableExportError(error), name).toBe(false);
      expect(networkErrorCode(error), name).toBe(code);
    }
  });

  // A TLS endpoint that accepts the connection and never answers the ClientHello (a wrong port, a
  // stuck proxy): the call's stream waits for its connection, and closing it at the deadline did
  // nothing. The call never ended, and every later call queued on the same connection, each holding
  // its request, for as long as the endpoint kept the socket open.
  it('a TLS handshake that never completes: the call fails at its deadline, and the next one reconnects', async () => {
    const sockets: import('node:net').Socket[] = [];
    const stall = createTcpServer((socket) => {
      socket.on('error', () => {});
      // Read (the ClientHello) and never answer; the client's close is then seen.
      socket.resume();
      sockets.push(socket);
    });
    stall.listen(0, '127.0.0.1');
    await once(stall, 'listening');
    try {
      const t = transportFor(`https://127.0.0.1:${(stall.address() as AddressInfo).port}`, {});
      for (const round of [1, 2]) {
        const started = Date.now();
        const result = await Promise.race([
          t.send(new Uint8Array([10, 0]), 300),
          new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 3_000)),
        ]);
        expect(result, `call ${round} still pending after 3 s`).toBeDefined();
        expect(Date.now() - started).toBeLessThan(1_500);
        const error = (result as { error: Error & { code?: number } }).error;
        expect(error.code).toBe(4);
        expect(error.message).toBe(
          '4 DEADLINE_EXCEEDED: Deadline exceeded after 300 ms: no connection established (the TLS handshake did not complete)',
        );
        expect(isRetryableExportError(error)).toBe(true);
        expect(sockets).toHaveLength(round);
        // The stalled connection is closed, not left holding the call.
        for (let i = 0; i < 50 && !sockets[round - 1]!.destroyed; i++)
          await new Promise((r) => setTimeout(r, 20));
        expect(sockets[round - 1]!.destroyed).toBe(true);
      }
    } finally {
      for (const socket of sockets) socket.destroy();
      stall.close();
    }
  });

  it('a trusted certificate for another host name: the hint says so, not to trust a CA', async () => {
    const server = await tlsServer(false, 'elsewhere');
    const result = await send(transportFor(server.url, { OTEL_EXPORTER_OTLP_CERTIFICATE: file('ca.pem') }));
    expect(result.status).toBe('failure');
    const error = (result as { error: Error }).error;
    expect(endpointHint(error)).toBe(
      "the collector's TLS certificate is not for the endpoint's host name: use a name the certificate lists",
    );
    expect(server.calls).toHaveLength(0);
  });

  it('presents the client certificate for mutual TLS (the _TRACES_ variables win)', async () => {
    const server = await tlsServer(true);
    const result = await send(transportFor(server.url, mutualTlsEnv(file)));
    expect(result.status).toBe('success');
    expect(server.calls).toEqual([{ authorized: true, peer: 'otel-client' }]);
  });

  // The key pair check built a TLS context (OpenSSL parsing the key and certificate) only to drop
  // it, and the connection then built its own from the same files.
  it('mutual TLS: the TLS context the key pair check builds is the one the connection uses', async () => {
    const server = await tlsServer(true);
    const built = vi.spyOn(tls, 'createSecureContext');
    try {
      const result = await send(transportFor(server.url, mutualTlsEnv(file)));
      expect(result.status).toBe('success');
      expect(server.calls).toEqual([{ authorized: true, peer: 'otel-client' }]);
      expect(built).toHaveBeenCalledTimes(1);
    } finally {
      built.mockRestore();
    }
  });

  it('warns naming the variable when a file cannot be read or the key pair is incomplete', () => {
    const lines: string[] = [];
    setLogSink((_level, line) => lines.push(line));
    const options = grpcTransportOptions(
      resolveConfig(
        { endpoint: 'https://collector:4317' },
        {
          OTEL_EXPORTER_OTLP_CERTIFICATE: file('nope.pem'),
          OTEL_EXPORTER_OTLP_CLIENT_KEY: file('client.key'),
        },
      ),
    );
    expect(options.tls).toEqual({});
    expect(lines).toEqual([
      expect.stringMatching(
        /OTEL_EXPORTER_OTLP_CERTIFICATE=".*nope\.pem" was given, but the file could not be read \(ENOENT\), connecting without it\./,
      ),
      expect.stringMatching(
        /OTEL_EXPORTER_OTLP_CLIENT_KEY=".*client\.key" was given, but the client key and certificate must both be set, connecting without a client certificate\./,
      ),
    ]);
  });

  // Node takes a CA file without a certificate in it silently and then trusts nothing: every export
  // failed with the hint to trust the CA through the variable that was set, and nothing named the
  // file. A client key pair that OpenSSL cannot use failed every connection naming neither variable.
  it('warns naming the variable when a file holds no PEM certificate or key, or the pair does not match', () => {
    writeFileSync(file('garbage.pem'), 'not a certificate\n');
    writeFileSync(file('empty.pem'), '');
    const options = (env: Record<string, string>) => {
      resetLogger();
      const lines: string[] = [];
      setLogSink((_level, line) => lines.push(line));
      return {
        tls: grpcTransportOptions(resolveConfig({ endpoint: 'https://collector:4317' }, env)).tls,
        lines,
      };
    };
    for (const name of ['server.key', 'garbage.pem', 'empty.pem']) {
      const { tls, lines } = options({ OTEL_EXPORTER_OTLP_CERTIFICATE: file(name) });
      expect(tls, name).toEqual({});
      expect(lines, name).toEqual([
        expect.stringMatching(
          /^\[@acme\/otel\] OTEL_EXPORTER_OTLP_CERTIFICATE=".*" was given, but it holds no PEM certificate \("-----BEGIN CERTIFICATE-----"; a DER file must be converted: openssl x509 -inform der\), connecting without it\.$/,
        ),
      ]);
    }
    // Key and certificate swapped: each file is named.
    const swapped = options({
      OTEL_EXPORTER_OTLP_CLIENT_KEY: file('client.pem'),
      OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: file('client.key'),
    });
    expect(swapped.tls).toEqual({});
    expect(swapped.lines).toEqual([
      expect.stringMatching(
        /OTEL_EXPORTER_OTLP_CLIENT_KEY=".*client\.pem" was given, but it holds no private key in PEM form, connecting without it\.$/,
      ),
      expect.stringMatching(
        /OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE=".*client\.key" was given, but it holds no PEM certificate/,
      ),
    ]);
    // Both well-formed, but not a pair.
    const mismatched = options({
      OTEL_EXPORTER_OTLP_CERTIFICATE: file('ca.pem'),
      OTEL_EXPORTER_OTLP_CLIENT_KEY: file('server.key'),
      OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: file('client.pem'),
    });
    expect(Object.keys(mismatched.tls ?? {})).toEqual(['ca']);
    expect(mismatched.lines).toEqual([
      expect.stringMatching(
        /OTEL_EXPORTER_OTLP_CLIENT_KEY=".*server\.key" was given, but it cannot be used with OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE=".*client\.pem" \(.*key values mismatch.*\), connecting without a client certificate\.$/,
      ),
    ]);
  });

  it('reads no certificate files for a plaintext (http://) endpoint', () => {
    const options = grpcTransportOptions(
      resolveConfig(
        { endpoint: 'http://collector:4317' },
        { OTEL_EXPORTER_OTLP_CERTIFICATE: file('nope.pem') },
      ),
    );
    expect(options.tls).toBeUndefined();
  });
});
