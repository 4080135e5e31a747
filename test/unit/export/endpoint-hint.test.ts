// endpointHint (src/export/export-errors.ts): what an export error says of the endpoint's
// configuration. The real errors come from real sockets in test/integration/export-loss.test.ts;
// here, each signature and the errors that must get no hint.
import { describe, expect, it } from 'vitest';
import { classifyExportError, endpointHint, networkErrorCode } from '../../../src/export/export-errors.js';
import { UnansweredCloseError } from '../../../src/export/otlp/unanswered-close.js';

const withCode = (message: string, code: string | number, cause?: unknown) =>
  Object.assign(new Error(message, cause === undefined ? undefined : { cause }), { code });

describe('endpointHint', () => {
  it('names TLS to a plaintext port, however deep the cause', () => {
    const tls = withCode(
      'write EPROTO 80…:error:0A00010B:SSL routines:ssl3_get_record:wrong version number',
      'EPROTO',
    );
    expect(endpointHint(tls)).toMatch(/does not speak TLS there: for a plaintext collector use http:\/\//);
    expect(
      endpointHint(new Error('UNAVAILABLE', { cause: new Error('stream cancelled', { cause: tls }) })),
    ).toMatch(/does not speak TLS/);
  });

  it('names the other protocol: HTTP/1.1 to an HTTP/2-only port, and HTTP/2 to an HTTP/1.1 one', () => {
    expect(
      endpointHint(withCode('Parse Error: Expected HTTP/, RTSP/ or ICE/', 'HPE_INVALID_CONSTANT')),
    ).toMatch(/does not answer HTTP\/1\.1 \(OTLP\/HTTP\) there: an OTLP\/gRPC port \(4317/);
    expect(
      endpointHint(new Error('UNAVAILABLE (14)', { cause: withCode('Protocol error', 'ERR_HTTP2_ERROR') })),
    ).toMatch(/does not answer HTTP\/2 \(OTLP\/gRPC\) there: an OTLP\/HTTP port \(4318/);
  });

  it("names Node's permission model refusing the connection, and its flag, under gRPC's wrapping", () => {
    const denied = withCode(
      'connect ERR_ACCESS_DENIED Access to this API has been restricted. Use --allow-net to manage permissions.',
      'ERR_ACCESS_DENIED',
    );
    const grpc = withCode(
      'No connection established',
      14,
      withCode('stream canceled', 'ERR_HTTP2_STREAM_CANCEL', denied),
    );
    expect(endpointHint(grpc)).toBe(
      "Node's permission model does not let this process connect to it: run node with --allow-net",
    );
    expect(networkErrorCode(grpc)).toBe('ERR_ACCESS_DENIED');
  });

  it('names a certificate the process does not trust', () => {
    for (const code of [
      'DEPTH_ZERO_SELF_SIGNED_CERT',
      'SELF_SIGNED_CERT_IN_CHAIN',
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    ]) {
      expect(endpointHint(withCode('certificate trouble', code))).toMatch(/OTEL_EXPORTER_OTLP_CERTIFICATE/);
    }
  });

  it('a certificate trusted but expired, or for another host name: not a CA to add', () => {
    for (const code of ['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID'])
      expect(endpointHint(withCode('certificate trouble', code))).toMatch(
        /outside its validity dates: renew it, or check this host's clock$/,
      );
    expect(
      endpointHint(
        withCode("Hostname/IP does not match certificate's altnames", 'ERR_TLS_CERT_ALTNAME_INVALID'),
      ),
    ).toMatch(/not for the endpoint's host name/);
  });

  it('an OTLP/HTTP 404: a path nothing listens at', () => {
    expect(endpointHint(withCode('Not Found', 404))).toMatch(
      /^nothing takes OTLP at that path: a Collector takes spans at \/v1\/traces/,
    );
  });

  it('refused credentials (HTTP 401/403, gRPC UNAUTHENTICATED/PERMISSION_DENIED): the headers variables', () => {
    for (const code of [401, 403, 16, 7])
      expect(endpointHint(withCode('Unauthorized', code))).toMatch(
        /^the collector \(or a proxy before it\) refused the credentials: check the authorization header in OTEL_EXPORTER_OTLP_HEADERS/,
      );
  });

  it('an OTLP/HTTP 405: a URL that takes no POST, a web server', () => {
    expect(endpointHint(withCode('Method Not Allowed', 405))).toMatch(/^that URL does not take a POST/);
  });

  // HTTP 431 was classed as "export request too large": the batch was split and sent again, and
  // the line blamed the spans, while the headers were what the collector or its proxy refused.
  it('an HTTP 431: the headers are too large, not the spans (OTLP/HTTP, or a proxy before gRPC)', () => {
    for (const error of [
      withCode('Request Header Fields Too Large', 431),
      withCode('Received HTTP status code 431', 2),
    ]) {
      expect(endpointHint(error)).toMatch(
        /refused the request's headers as too large: shorten OTEL_EXPORTER_OTLP_HEADERS/,
      );
      expect(classifyExportError(error)).toBe('rejected');
    }
    expect(classifyExportError(withCode('Payload Too Large', 413))).toBe('too-large');
  });

  // Real sockets: test/integration/export/http-unanswered-close.test.ts.
  it('an http:// connection closed before any HTTP answer: https:// if the port speaks TLS, however deep', () => {
    const closed = new UnansweredCloseError('ECONNRESET', withCode('socket hang up', 'ECONNRESET'));
    const hint = "if the collector's port speaks TLS, the endpoint should be https://";
    expect(endpointHint(closed)).toBe(hint);
    expect(endpointHint(new Error('retry', { cause: closed }))).toBe(hint);
    expect(classifyExportError(closed)).toBe('unreachable');
    expect(networkErrorCode(closed)).toBe('ECONNRESET');
  });

  // Go's net/http over TLS answers plaintext with a 400 (the Collector's OTLP/HTTP receiver), not a reset.
  it('an HTTP 400 from a Go HTTPS server to a plaintext request: https://', () => {
    const go = withCode('Bad Request: Client sent an HTTP request to an HTTPS server.', 400);
    expect(endpointHint(go)).toBe("the collector's port speaks TLS: use https:// in the endpoint");
    expect(endpointHint(withCode('Bad Request: invalid protobuf', 400))).toBeUndefined();
    expect(endpointHint(withCode('Client sent an HTTP request to an HTTPS server.', 500))).toBeUndefined();
  });

  it('says nothing of ordinary failures', () => {
    expect(endpointHint(withCode('connect ECONNREFUSED 127.0.0.1:4317', 'ECONNREFUSED'))).toBeUndefined();
    // A reset with no word of when it came (after part of an answer, or over https://).
    expect(endpointHint(withCode('socket hang up', 'ECONNRESET'))).toBeUndefined();
    expect(
      endpointHint(withCode('Protocol error in frame 7 from the proxy', 'ERR_HTTP2_ERROR')),
    ).toBeUndefined();
    expect(
      endpointHint(new Error('RESOURCE_EXHAUSTED: grpc: received message larger than max')),
    ).toBeUndefined();
    expect(endpointHint(undefined)).toBeUndefined();
    expect(endpointHint('a string')).toBeUndefined();
  });
});
