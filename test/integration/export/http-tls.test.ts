// OTLP/HTTP over TLS (https://) with the OTLP certificate variables, through the config the way
// initTracing builds our node:https transport: a CA-signed server certificate, a CA not trusted,
// a certificate for another host name, and mutual TLS.
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import tls, { type TLSSocket } from 'node:tls';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resolveConfig } from '../../../src/config/resolve.js';
import { resetLogger } from '../../../src/diag/log.js';
import { endpointHint, isRetryableExportError } from '../../../src/export/export-errors.js';
import type { ExportResponse } from '../../../src/export/otlp/grpc-transport.js';
import { httpTransportOptions } from '../../../src/export/otlp/http-options.js';
import { HttpTransport } from '../../../src/export/otlp/http-transport.js';
import { mutualTlsEnv, useTestCerts } from '../../support/test-certs.js';

const file = useTestCerts();

const servers: https.Server[] = [];
const transports: HttpTransport[] = [];
afterEach(async () => {
  for (const t of transports.splice(0)) t.shutdown();
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
  resetLogger();
});

/**
 * An HTTPS server answering every POST with 200; `requestCert` asks for mutual TLS.
 * `closeReused`: a connection's second request is closed unanswered (an idle close met on the way).
 */
async function tlsServer(requestCert = false, name = 'server', closeReused = false) {
  const calls: { authorized: boolean; peer: string | undefined }[] = [];
  const seen = new Set<TLSSocket>();
  const server = https.createServer(
    {
      key: readFileSync(file(`${name}.key`)),
      cert: readFileSync(file(`${name}.pem`)),
      ...(requestCert
        ? { requestCert: true, rejectUnauthorized: true, ca: readFileSync(file('ca.pem')) }
        : {}),
    },
    (req, res) => {
      const socket = req.socket as TLSSocket;
      if (closeReused && seen.has(socket)) {
        socket.destroy();
        return;
      }
      seen.add(socket);
      calls.push({
        authorized: socket.authorized,
        peer: String(socket.getPeerCertificate()?.subject?.CN ?? '') || undefined,
      });
      req.resume();
      req.on('end', () => res.end());
    },
  );
  server.on('tlsClientError', () => {});
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  servers.push(server);
  return { url: `https://localhost:${(server.address() as AddressInfo).port}`, calls };
}

function transport(url: string, env: Record<string, string>): HttpTransport {
  const config = resolveConfig({ endpoint: url, protocol: 'http/protobuf' }, env);
  const t = new HttpTransport(httpTransportOptions(config));
  transports.push(t);
  return t;
}

function send(url: string, env: Record<string, string>): Promise<ExportResponse> {
  return transport(url, env).send(new Uint8Array([10, 0]), 3_000);
}

describe('OTLP/HTTP over TLS', () => {
  it('trusts the CA named by OTEL_EXPORTER_OTLP_CERTIFICATE', async () => {
    const server = await tlsServer();
    const result = await send(server.url, { OTEL_EXPORTER_OTLP_CERTIFICATE: file('ca.pem') });
    expect(result.status).toBe('success');
    expect(server.calls).toHaveLength(1);
  });

  it("fails naming the certificate problem, with the hint to trust its CA, when the server's CA is not trusted", async () => {
    const server = await tlsServer();
    const result = await send(server.url, {});
    const error = (result as { error: Error & { code?: string } }).error;
    expect(error.code).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    expect(endpointHint(error)).toBe(
      "the collector's TLS certificate was not accepted: trust its CA with OTEL_EXPORTER_OTLP_CERTIFICATE",
    );
    expect(isRetryableExportError(error)).toBe(false);
    expect(server.calls).toHaveLength(0);
  });

  it('a trusted certificate for another host name: the hint says so', async () => {
    const server = await tlsServer(false, 'elsewhere');
    const result = await send(server.url, { OTEL_EXPORTER_OTLP_CERTIFICATE: file('ca.pem') });
    expect(endpointHint((result as { error: Error }).error)).toBe(
      "the collector's TLS certificate is not for the endpoint's host name: use a name the certificate lists",
    );
    expect(server.calls).toHaveLength(0);
  });

  it('presents the client certificate for mutual TLS (the _TRACES_ variables win)', async () => {
    const server = await tlsServer(true);
    const result = await send(server.url, mutualTlsEnv(file));
    expect(result.status).toBe('success');
    expect(server.calls).toEqual([{ authorized: true, peer: 'otel-client' }]);
  });

  it('a request that meets an idle close goes again on a new connection with the same CA and client certificate', async () => {
    const server = await tlsServer(true, 'server', true);
    const t = transport(server.url, mutualTlsEnv(file));
    expect((await t.send(new Uint8Array([10, 0]), 3_000)).status).toBe('success');
    expect((await t.send(new Uint8Array([10, 0]), 3_000)).status).toBe('success');
    expect(server.calls).toEqual([
      { authorized: true, peer: 'otel-client' },
      { authorized: true, peer: 'otel-client' },
    ]);
  });

  // The key pair check built a TLS context (OpenSSL parsing the key and certificate) only to drop
  // it, and then every new connection built its own from the same files: 3 for two connections.
  it('mutual TLS: the one TLS context the key pair check builds serves every connection', async () => {
    const server = await tlsServer(true, 'server', true);
    const built = vi.spyOn(tls, 'createSecureContext');
    try {
      const t = transport(server.url, mutualTlsEnv(file));
      expect((await t.send(new Uint8Array([10, 0]), 3_000)).status).toBe('success');
      // The second request meets the closed connection and goes again on a new one.
      expect((await t.send(new Uint8Array([10, 0]), 3_000)).status).toBe('success');
      expect(server.calls).toHaveLength(2);
      expect(built).toHaveBeenCalledTimes(1);
    } finally {
      built.mockRestore();
    }
  });
});
