// OTLP/HTTP transports for tests against loopback servers, shut down after each test.
import { HttpTransport, type HttpTransportOptions } from '../../src/export/otlp/http-transport.js';
import { buildTraceRequest } from '../../src/export/otlp/request.js';
import { finishedSpans } from './finished-spans.js';

const made: HttpTransport[] = [];

/** A transport to `url`, no compression, no headers but those given. */
export function httpTransport(options: Partial<HttpTransportOptions> & { url: string }): HttpTransport {
  const t = new HttpTransport({
    headers: {},
    compression: 'none',
    userAgent: 'OTel-OTLP-Exporter-JavaScript test',
    ...options,
  });
  made.push(t);
  return t;
}

export function shutdownHttpTransports(): void {
  for (const t of made.splice(0)) t.shutdown();
}

/** An ExportTraceServiceRequest with one span per name. */
export function traceRequest(...names: string[]): Uint8Array {
  return buildTraceRequest(finishedSpans('http-transport-test', ...names));
}
