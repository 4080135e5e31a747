// A real OTLP trace receiver for tests, the demo and the benchmark: OTLP/gRPC (and optionally
// OTLP/HTTP protobuf or JSON) on loopback, decoding with the official opentelemetry-proto
// definitions vendored in ./proto. Plain ESM so it runs without a TypeScript build.
// Types: ./otlp-receiver.d.mts. Standalone: ./receiver-cli.mjs.
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { retryInfoStatus } from './grpc-status-details.mjs';

const PROTO_DIR = fileURLToPath(new URL('./proto', import.meta.url));
const SERVICE = 'opentelemetry.proto.collector.trace.v1.TraceService';
const HTTP_PATH = '/v1/traces';
const RAW = Symbol('otlp-receiver.raw');
const KINDS = ['INTERNAL', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
const STATUS_CODES = ['UNSET', 'OK', 'ERROR'];
const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);

let exportMethod;
/** Loaded on first use, never at import time. */
function getExportMethod() {
  exportMethod ??= protoLoader.loadSync('opentelemetry/proto/collector/trace/v1/trace_service.proto', {
    includeDirs: [PROTO_DIR],
    keepCase: false,
    longs: String,
    enums: String,
    bytes: Buffer,
    defaults: true,
    oneofs: true,
  })[SERVICE].Export;
  return exportMethod;
}

// --- decoding: accepts both proto-loader objects and OTLP/JSON (hex ids, numeric enums) ---

const hex = (v) =>
  v == null ? '' : typeof v === 'string' ? v.toLowerCase() : Buffer.from(v).toString('hex');
const nanos = (v) => BigInt(v ?? 0);
const enumName = (v, names, prefix) =>
  typeof v === 'number' ? (names[v] ?? String(v)) : String(v ?? names[0]).replace(prefix, '');

function anyValue(v) {
  if (v == null) return undefined;
  const key = v.value ?? Object.keys(v).find((k) => k.endsWith('Value') && v[k] != null);
  switch (key) {
    case 'stringValue':
    case 'boolValue':
      return v[key];
    case 'intValue':
    case 'doubleValue':
      return Number(v[key]);
    case 'bytesValue':
      return typeof v.bytesValue === 'string'
        ? Buffer.from(v.bytesValue, 'base64')
        : Buffer.from(v.bytesValue);
    case 'arrayValue':
      return (v.arrayValue.values ?? []).map(anyValue);
    case 'kvlistValue':
      return attributes(v.kvlistValue.values);
    default:
      return undefined;
  }
}

function attributes(list) {
  const out = {};
  for (const kv of list ?? []) out[kv.key] = anyValue(kv.value);
  return out;
}

function toReceivedSpan(span, resource, scope) {
  const startTimeUnixNano = nanos(span.startTimeUnixNano);
  const endTimeUnixNano = nanos(span.endTimeUnixNano);
  return {
    traceId: hex(span.traceId),
    spanId: hex(span.spanId),
    parentSpanId: hex(span.parentSpanId),
    traceState: span.traceState ?? '',
    name: span.name ?? '',
    // SPAN_KIND_UNSPECIFIED is read as INTERNAL, as trace.proto allows.
    kind: enumName(span.kind, KINDS, /^SPAN_KIND_/).replace('UNSPECIFIED', 'INTERNAL'),
    startTimeUnixNano,
    endTimeUnixNano,
    durationMs: Number(endTimeUnixNano - startTimeUnixNano) / 1e6,
    attributes: attributes(span.attributes),
    events: (span.events ?? []).map((e) => ({
      name: e.name ?? '',
      timeUnixNano: nanos(e.timeUnixNano),
      attributes: attributes(e.attributes),
    })),
    links: (span.links ?? []).map((l) => ({
      traceId: hex(l.traceId),
      spanId: hex(l.spanId),
      attributes: attributes(l.attributes),
    })),
    status: {
      code: enumName(span.status?.code, STATUS_CODES, /^STATUS_CODE_/),
      message: span.status?.message ?? '',
    },
    flags: span.flags ?? 0,
    resource,
    scope: { name: scope?.name ?? '', version: scope?.version ?? '' },
  };
}

/** ExportTraceServiceRequest (decoded) -> ReceivedSpan[] */
export function decodeRequest(request) {
  const spans = [];
  for (const rs of request?.resourceSpans ?? []) {
    const resource = attributes(rs.resource?.attributes);
    for (const ss of rs.scopeSpans ?? []) {
      for (const span of ss.spans ?? []) spans.push(toReceivedSpan(span, resource, ss.scope));
    }
  }
  return spans;
}

/** ExportTraceServiceRequest protobuf bytes -> ReceivedSpan[] (for unit tests of our encoder). */
export function decodeRequestBytes(bytes) {
  return decodeRequest(getExportMethod().requestDeserialize(Buffer.from(bytes)));
}

// --- modes ---

function parseMode(mode) {
  if (mode === 'ok' || mode === 'unavailable' || mode === 'deadline' || mode === 'hang') return mode;
  if (mode && typeof mode === 'object' && mode.partialSuccess && typeof mode.partialSuccess === 'object') {
    const { rejectedSpans = 'half', errorMessage = '' } = mode.partialSuccess;
    if (
      (rejectedSpans === 'half' || (Number.isInteger(rejectedSpans) && rejectedSpans >= 0)) &&
      typeof errorMessage === 'string'
    )
      return { partialSuccess: { rejectedSpans, errorMessage } };
  }
  if (mode && typeof mode === 'object' && Number.isFinite(mode.delayMs) && mode.delayMs >= 0) {
    return { delayMs: mode.delayMs };
  }
  if (mode && typeof mode === 'object' && mode.grpcStatus && typeof mode.grpcStatus === 'object') {
    const { code, message = '', retryDelayMs, times } = mode.grpcStatus;
    if (
      Number.isInteger(code) &&
      code > 0 &&
      code <= 16 &&
      typeof message === 'string' &&
      (retryDelayMs === undefined || (Number.isFinite(retryDelayMs) && retryDelayMs >= 0)) &&
      (times === undefined || (Number.isInteger(times) && times > 0))
    )
      return { grpcStatus: { code, message, retryDelayMs, times } };
  }
  if (mode && typeof mode === 'object' && Number.isInteger(mode.hangAfter) && mode.hangAfter >= 0) {
    return { hangAfter: mode.hangAfter };
  }
  throw new TypeError(
    `otlp-receiver: setMode(${JSON.stringify(mode)}) is not one of 'ok', 'unavailable', 'deadline', 'hang', { delayMs }, { partialSuccess }, { grpcStatus }, { hangAfter }`,
  );
}

/**
 * The gRPC error for a `{ grpcStatus }` mode: its code and message, and with `retryDelayMs` a
 * google.rpc.Status holding a RetryInfo in the `grpc-status-details-bin` trailer, as a throttling
 * server sends it (OTLP spec, "OTLP/gRPC Throttling").
 */
function grpcStatusError({ code, message, retryDelayMs }) {
  const metadata = new grpc.Metadata();
  if (retryDelayMs !== undefined)
    metadata.set('grpc-status-details-bin', retryInfoStatus(code, message, retryDelayMs));
  return { code, details: message, metadata };
}

/** The HTTP answer for a `{ grpcStatus }` mode: 429 for RESOURCE_EXHAUSTED, 503 else; `Retry-After` in whole seconds. */
function httpStatusAnswer({ code, message, retryDelayMs }) {
  const headers = { 'content-type': 'text/plain' };
  if (retryDelayMs !== undefined) headers['retry-after'] = String(Math.ceil(retryDelayMs / 1000));
  return { status: code === grpc.status.RESOURCE_EXHAUSTED ? 429 : 503, headers, body: message };
}

const GRPC_FAILURES = {
  unavailable: { code: grpc.status.UNAVAILABLE, details: 'otlp-receiver: mode unavailable' },
  deadline: { code: grpc.status.DEADLINE_EXCEEDED, details: 'otlp-receiver: mode deadline' },
};
const HTTP_FAILURES = { unavailable: 503, deadline: 504 };

function describe(spans) {
  if (spans.length === 0) return 'nothing';
  return spans
    .map((s) => `  ${s.name} [${s.kind}] trace=${s.traceId} span=${s.spanId} parent=${s.parentSpanId || '-'}`)
    .join('\n');
}

function hostForUrl(host) {
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * Starts an OTLP/gRPC receiver (and, with `http: true`, an OTLP/HTTP one on its own port).
 * @param {import('./otlp-receiver.d.mts').ReceiverOptions} [options]
 * @returns {Promise<import('./otlp-receiver.d.mts').OtlpReceiver>}
 */
export async function startReceiver(options = {}) {
  const {
    host = '127.0.0.1',
    port = 0,
    http: httpOption = false,
    retain = true,
    onSpan,
    maxReceiveMessageBytes = 64 * 1024 * 1024,
    tooLargeWords = 'grpc-js',
  } = options;
  if (tooLargeWords !== 'grpc-js' && tooLargeWords !== 'grpc-go')
    throw new TypeError(
      `otlp-receiver: tooLargeWords ${JSON.stringify(tooLargeWords)} is not 'grpc-js' or 'grpc-go'`,
    );
  const withHttp = httpOption === true || typeof httpOption === 'number';
  const method = getExportMethod();

  let mode = 'ok';
  let spans = [];
  let bodies = [];
  let metadata = [];
  let arrivals = [];
  let requestCount = 0;
  let tooLarge = 0;
  /** Requests that reached `respond` in the current mode (`hangAfter`). */
  let answered = 0;
  let grpcServer;
  let httpServer;
  let grpcPort = port;
  let httpPort = typeof httpOption === 'number' ? httpOption : 0;
  const waiters = new Set();
  const timers = new Set();

  /**
   * Runs `answer` according to the mode; `accept` records the spans just before an OK answer and
   * returns how many there were; `ok` gets the ExportTraceServiceResponse to send.
   */
  function respond(accept, ok, fail) {
    const current = mode;
    if (current === 'hang') return;
    if (current.hangAfter !== undefined && answered++ >= current.hangAfter) return;
    if (current === 'unavailable' || current === 'deadline') return fail(current);
    if (current.grpcStatus) {
      if (current.grpcStatus.times !== undefined && --current.grpcStatus.times === 0) mode = 'ok';
      return fail(current.grpcStatus);
    }
    const finish = () => {
      const count = accept();
      const partial = current.partialSuccess;
      if (partial === undefined) return ok({});
      const rejected =
        partial.rejectedSpans === 'half' ? Math.ceil(count / 2) : Math.min(count, partial.rejectedSpans);
      ok({ partialSuccess: { rejectedSpans: String(rejected), errorMessage: partial.errorMessage } });
    };
    if (
      current === 'ok' ||
      current.partialSuccess ||
      current.hangAfter !== undefined ||
      current.delayMs === 0
    )
      return finish();
    const timer = setTimeout(() => {
      timers.delete(timer);
      finish();
    }, current.delayMs);
    timers.add(timer);
  }

  function arrived(body, meta) {
    requestCount++;
    if (retain) {
      bodies.push(body);
      metadata.push(meta);
      arrivals.push(performance.now());
    }
  }

  function accept(request) {
    const received = decodeRequest(request);
    if (retain) spans.push(...received);
    if (onSpan) for (const s of received) onSpan(s);
    if (received.length > 0) for (const check of waiters) check();
    return received.length;
  }

  function createGrpcServer() {
    // grpc-js answers a larger message with RESOURCE_EXHAUSTED "Received message larger than max
    // (N vs. M)" before the handler runs, as the Collector (grpc-go) does past max_recv_msg_size_mib.
    // With grpc-go's words, the handler refuses (and counts) a larger message itself.
    const server = new grpc.Server({
      'grpc.max_receive_message_length': tooLargeWords === 'grpc-go' ? -1 : maxReceiveMessageBytes,
    });
    // The raw (already decompressed) body is only visible to the deserializer, so it rides along
    // on the decoded request under a symbol.
    const definition = {
      Export: {
        ...method,
        requestDeserialize: (buf) => {
          const request = method.requestDeserialize(buf);
          request[RAW] = Buffer.from(buf);
          return request;
        },
      },
    };
    server.addService(definition, {
      Export: (call, callback) => {
        const size = call.request[RAW].length;
        if (tooLargeWords === 'grpc-go' && size > maxReceiveMessageBytes) {
          tooLarge++;
          // grpc-go's rpc_util.go, as the Collector answers past max_recv_msg_size_mib.
          const details = `grpc: received message larger than max (${size} vs. ${maxReceiveMessageBytes})`;
          return callback({ code: grpc.status.RESOURCE_EXHAUSTED, details });
        }
        arrived(call.request[RAW], call.metadata.getMap());
        respond(
          () => accept(call.request),
          (response) => callback(null, response),
          (m) => callback(typeof m === 'string' ? GRPC_FAILURES[m] : grpcStatusError(m)),
        );
      },
    });
    return server;
  }

  async function readBody(req) {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const body = Buffer.concat(chunks);
    const encoding = String(req.headers['content-encoding'] ?? '').toLowerCase();
    if (encoding === 'gzip') return gunzip(body);
    if (encoding === 'deflate') return inflate(body);
    return body;
  }

  async function handleHttp(req, res) {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== HTTP_PATH) return res.writeHead(404).end();
    if (req.method !== 'POST') return res.writeHead(405, { allow: 'POST' }).end();
    const isJson = String(req.headers['content-type'] ?? '').includes('json');
    let body;
    let request;
    try {
      body = await readBody(req);
      if (body.length > maxReceiveMessageBytes) {
        tooLarge++;
        return res.writeHead(413, { 'content-type': 'text/plain' }).end('otlp-receiver: request too large');
      }
      request = isJson ? JSON.parse(body.toString('utf8')) : method.requestDeserialize(body);
    } catch (err) {
      return res.writeHead(400, { 'content-type': 'text/plain' }).end(`otlp-receiver: ${err.message}`);
    }
    arrived(body, { ...req.headers });
    const contentType = isJson ? 'application/json' : 'application/x-protobuf';
    respond(
      () => accept(request),
      (response) =>
        res
          .writeHead(200, { 'content-type': contentType })
          .end(isJson ? JSON.stringify(response) : method.responseSerialize(response)),
      (m) => {
        if (typeof m === 'string')
          return res
            .writeHead(HTTP_FAILURES[m], { 'content-type': 'text/plain' })
            .end(`otlp-receiver: mode ${m}`);
        const answer = httpStatusAnswer(m);
        res.writeHead(answer.status, answer.headers).end(answer.body);
      },
    );
  }

  async function listen() {
    grpcServer = createGrpcServer();
    const address = `${hostForUrl(host)}:${grpcPort}`;
    grpcPort = await bindWithRetry(grpcServer, address, grpcPort !== 0);
    if (!withHttp) return;
    httpServer = http.createServer((req, res) => {
      handleHttp(req, res).catch((err) => {
        if (!res.headersSent) res.writeHead(500).end(String(err));
      });
    });
    await new Promise((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(httpPort, host, () => {
        httpServer.off('error', reject);
        resolve();
      });
    });
    httpPort = httpServer.address().port;
  }

  async function stop() {
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
    const g = grpcServer;
    const h = httpServer;
    grpcServer = undefined;
    httpServer = undefined;
    // forceShutdown cancels hung calls; the client sees UNAVAILABLE/CANCELLED.
    g?.forceShutdown();
    if (h) {
      const closed = new Promise((resolve) => h.close(() => resolve()));
      h.closeAllConnections();
      await closed;
    }
  }

  function waitForSpans(countOrPredicate, { timeoutMs = 10_000 } = {}) {
    const isCount = typeof countOrPredicate === 'number';
    if (!isCount && typeof countOrPredicate !== 'function') {
      throw new TypeError('otlp-receiver: waitForSpans() takes a span count or a predicate function');
    }
    const matches = () => (isCount ? spans.slice() : spans.filter(countOrPredicate));
    const done = (found) => (isCount ? found.length >= countOrPredicate : found.length > 0);
    const first = matches();
    if (done(first)) return Promise.resolve(first);
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = matches();
        if (!done(found)) return;
        waiters.delete(check);
        clearTimeout(timer);
        resolve(found);
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        const wanted = isCount ? `${countOrPredicate} span(s)` : `a span matching ${countOrPredicate}`;
        reject(
          new Error(
            `otlp-receiver: timed out after ${timeoutMs}ms waiting for ${wanted}; ` +
              `${requestCount} export request(s), ${spans.length} span(s) received:\n${describe(spans)}`,
          ),
        );
      }, timeoutMs);
      waiters.add(check);
    });
  }

  await listen();

  return {
    get endpoint() {
      return `http://${hostForUrl(host)}:${grpcPort}`;
    },
    get port() {
      return grpcPort;
    },
    get httpEndpoint() {
      return withHttp ? `http://${hostForUrl(host)}:${httpPort}${HTTP_PATH}` : undefined;
    },
    get httpPort() {
      return withHttp ? httpPort : undefined;
    },
    get requestCount() {
      return requestCount;
    },
    get tooLargeCount() {
      return tooLarge;
    },
    get mode() {
      return mode;
    },
    spans: () => spans.slice(),
    waitForSpans,
    traces() {
      const byTrace = new Map();
      for (const s of spans) {
        const list = byTrace.get(s.traceId);
        if (list) list.push(s);
        else byTrace.set(s.traceId, [s]);
      }
      return byTrace;
    },
    rawBytes: () => Buffer.concat(bodies),
    metadata: () => metadata.slice(),
    requestTimes: () => arrivals.slice(),
    clear() {
      spans = [];
      bodies = [];
      metadata = [];
      arrivals = [];
      requestCount = 0;
    },
    setMode(next) {
      mode = parseMode(next);
      answered = 0;
    },
    stop,
    async restart() {
      await stop();
      await listen();
    },
  };
}

/**
 * grpc-js cannot rebind a shut-down server and the old listener may take a moment to release the
 * port, so binding a fixed port retries briefly on EADDRINUSE.
 */
async function bindWithRetry(server, address, fixedPort) {
  const deadline = Date.now() + (fixedPort ? 3000 : 0);
  for (;;) {
    try {
      return await new Promise((resolve, reject) => {
        server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (err, boundPort) =>
          err ? reject(err) : resolve(boundPort),
        );
      });
    } catch (err) {
      if (Date.now() >= deadline || !/EADDRINUSE|address already in use/i.test(String(err?.message))) {
        throw new Error(`otlp-receiver: cannot listen on ${address}: ${err?.message ?? err}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
