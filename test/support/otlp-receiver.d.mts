// Hand-written types for ./otlp-receiver.mjs (plain ESM so it runs without a build).

export type ReceivedSpanKind = 'INTERNAL' | 'SERVER' | 'CLIENT' | 'PRODUCER' | 'CONSUMER';
export type ReceivedStatusCode = 'UNSET' | 'OK' | 'ERROR';

/** One span as it arrived on the wire, decoded. Every id is lowercase hex. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  /** `''` for a root span. */
  parentSpanId: string;
  traceState: string;
  name: string;
  /** `SPAN_KIND_UNSPECIFIED` is reported as `'INTERNAL'`, as trace.proto allows. */
  kind: ReceivedSpanKind;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  durationMs: number;
  /** Decoded AnyValue: string, number (int64 and double alike), boolean, arrays, nested objects (kvlist), Buffer (bytes). */
  attributes: Record<string, unknown>;
  events: { name: string; timeUnixNano: bigint; attributes: Record<string, unknown> }[];
  links: { traceId: string; spanId: string; attributes: Record<string, unknown> }[];
  status: { code: ReceivedStatusCode; message: string };
  /** The raw OTLP `flags` field: bits 0-7 are the W3C trace flags (`flags & 0xff`), bits 8-9 the is-remote bits. */
  flags: number;
  resource: Record<string, unknown>;
  scope: { name: string; version: string };
}

/**
 * - `'ok'`: answer OK at once (the default).
 * - `'unavailable'`: gRPC UNAVAILABLE (14) / HTTP 503.
 * - `'deadline'`: gRPC DEADLINE_EXCEEDED (4) / HTTP 504.
 * - `{ delayMs }`: answer OK after `delayMs`; the spans are recorded when the answer is sent.
 * - `'hang'`: accept the request and never answer (until `stop()` force-closes it).
 * - `{ partialSuccess }`: answer OK with `partial_success`: `rejectedSpans` of each request (a
 *   number, or `'half'` rounded up; default `'half'`) and the collector's `errorMessage`.
 * - `{ grpcStatus }`: answer gRPC status `code` (1–16) with `message`; with `retryDelayMs`, a
 *   google.rpc.Status holding a RetryInfo of that delay in the `grpc-status-details-bin` trailer
 *   (OTLP/gRPC throttling). OTLP/HTTP answers 429 for code 8, else 503, with `Retry-After` in whole
 *   seconds. With `times`, only that many requests are answered so; then the mode is `'ok'`.
 * - `{ hangAfter }`: answer OK the first `hangAfter` requests that arrive in this mode (refused
 *   too-large ones do not count), then hang as `'hang'` does.
 *
 * Spans are only recorded when a request is answered OK; `requestCount`, `rawBytes()` and
 * `metadata()` count every request that arrived, whatever the mode.
 */
export type ReceiverMode =
  | 'ok'
  | 'unavailable'
  | 'deadline'
  | 'hang'
  | { delayMs: number }
  | { partialSuccess: { rejectedSpans?: number | 'half'; errorMessage?: string } }
  | { grpcStatus: { code: number; message?: string; retryDelayMs?: number; times?: number } }
  | { hangAfter: number };

export interface ReceiverOptions {
  /** @default '127.0.0.1' */
  host?: string;
  /** gRPC port; 0 picks a free one. @default 0 */
  port?: number;
  /**
   * Also serve OTLP/HTTP (protobuf, and JSON by content-type) at `/v1/traces` on its own port:
   * `true` or `0` for a free port, or a port number.
   * @default false
   */
  http?: boolean | number;
  /**
   * Keep spans, bodies and metadata in memory. The benchmark turns this off so a long run does not
   * grow without bound; `requestCount` and `onSpan` still work.
   * @default true
   */
  retain?: boolean;
  /** Called for every span as it is recorded (used by `receiver-cli.mjs --print`). */
  onSpan?: (span: ReceivedSpan) => void;
  /**
   * Largest request body accepted (decompressed). gRPC answers a larger one with RESOURCE_EXHAUSTED
   * "Received message larger than max (N vs. M)" (the Collector's default limit is 4 MiB), HTTP with
   * 413. Refused requests are not counted in `requestCount`.
   * @default 64 MiB
   */
  maxReceiveMessageBytes?: number;
  /**
   * How gRPC refuses a request over `maxReceiveMessageBytes`: grpc-js's own check ("Received
   * message larger than max (N vs M)", not counted in `tooLargeCount`), or the Collector's
   * (grpc-go) words, "grpc: received message larger than max (N vs. M)", checked by the receiver
   * on the (decompressed) body and counted in `tooLargeCount`.
   * @default 'grpc-js'
   */
  tooLargeWords?: 'grpc-js' | 'grpc-go';
}

export interface OtlpReceiver {
  /** `'http://127.0.0.1:<grpcPort>'`, stable across `restart()`. */
  readonly endpoint: string;
  /** The gRPC port. */
  readonly port: number;
  /** `'http://127.0.0.1:<httpPort>/v1/traces'` when started with `http`, else `undefined`. */
  readonly httpEndpoint: string | undefined;
  readonly httpPort: number | undefined;
  /** Export requests that arrived (every mode) since start or the last `clear()`. */
  readonly requestCount: number;
  /**
   * Requests refused over `maxReceiveMessageBytes`: OTLP/HTTP with 413, and gRPC with
   * `tooLargeWords: 'grpc-go'` (grpc-js's own refusals happen inside it, uncounted).
   */
  readonly tooLargeCount: number;
  readonly mode: ReceiverMode;
  /** Every recorded span in arrival order (a copy). */
  spans(): ReceivedSpan[];
  /**
   * Resolves once at least `count` spans were recorded (with all spans so far), or once at least
   * one span satisfies `predicate` (with the matching spans; the predicate is called like an
   * `Array#filter` callback). Rejects after `timeoutMs` with a message listing what did arrive.
   */
  waitForSpans(count: number, options?: { timeoutMs?: number }): Promise<ReceivedSpan[]>;
  waitForSpans(
    predicate: (span: ReceivedSpan, index: number, spans: ReceivedSpan[]) => boolean,
    options?: { timeoutMs?: number },
  ): Promise<ReceivedSpan[]>;
  /** Recorded spans grouped by trace id, in arrival order. */
  traces(): Map<string, ReceivedSpan[]>;
  /** Every request body that arrived (decompressed), concatenated. */
  rawBytes(): Buffer;
  /** One entry per request: the gRPC metadata map or the HTTP headers (lowercase keys). */
  metadata(): Record<string, unknown>[];
  /** One entry per request: when it arrived, `performance.now()` in the receiver's process (ms). */
  requestTimes(): number[];
  /** Forgets spans, bodies, metadata and `requestCount`; keeps the mode. */
  clear(): void;
  /** Throws a TypeError on anything else than a {@link ReceiverMode}. */
  setMode(mode: ReceiverMode): void;
  /** Closes the port(s), force-closing hung or delayed calls; the collected spans are kept. */
  stop(): Promise<void>;
  /** Listens again on the same port(s). */
  restart(): Promise<void>;
}

export function startReceiver(options?: ReceiverOptions): Promise<OtlpReceiver>;

/** Decodes an ExportTraceServiceRequest (as proto-loader or OTLP/JSON gives it) into spans. */
export function decodeRequest(request: unknown): ReceivedSpan[];

/** Decodes ExportTraceServiceRequest protobuf bytes into spans. */
export function decodeRequestBytes(bytes: Uint8Array): ReceivedSpan[];
