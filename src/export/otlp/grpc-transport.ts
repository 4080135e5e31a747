import type {
  ClientHttp2Session,
  ClientHttp2Stream,
  IncomingHttpHeaders,
  OutgoingHttpHeaders,
  SecureClientSessionOptions,
} from 'node:http2';
import { errorMessage } from '../../errors.js';
import { lazyRequire } from '../../util/index.js';
import { timeWork } from '../work-timing.js';
import {
  decodeGrpcMessage,
  GRPC_STATUS,
  GrpcStatusError,
  statusFromHttp,
  statusFromRstCode,
  UNSPOKEN_CLOSE,
} from './grpc-status.js';
import { grpcRetryDelay } from './retry-delay.js';

/**
 * The most of a collector's answer that is read: 64 KiB, raw and inflated. An
 * ExportTraceServiceResponse is a few bytes (a partial_success with a count and a message);
 * upstream's OTLP/HTTP transport, where a proxy may answer with a page, stops at 4 MiB. This
 * bounds the memory a broken or hostile endpoint can make us hold, and the time inflating its
 * answer takes (inflating 1 MiB took ~4 ms; 64 KiB takes ~0.15).
 */
export const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * How long a stream closed at its deadline may take to end before its session is taken as wedged.
 * Closing is local (RST_STREAM, no round trip): a healthy session ends the stream at once.
 */
const WEDGED_MILLIS = 100;

/** What upstream's OTLP export delegate expects of a transport (otlp-exporter-base 0.223). */
export type ExportResponse =
  | { status: 'success'; data?: Uint8Array }
  | { status: 'failure'; error: Error }
  | { status: 'retryable'; retryInMillis?: number };

export interface GrpcTransportOptions {
  /** `http://host:port` (plaintext HTTP/2) or `https://host:port` (TLS); any path is ignored. */
  readonly url: string;
  /** The method's path, e.g. `/opentelemetry.proto.collector.trace.v1.TraceService/Export`. */
  readonly path: string;
  /** Metadata sent with every call (already validated by grpc-metadata.ts). */
  readonly metadata: Readonly<Record<string, string>>;
  readonly compression: 'gzip' | 'none';
  readonly userAgent: string;
  /**
   * CA, client key and certificate for `https:` (PEM), and with a client key pair the TLS context
   * built from them once (every connection's); absent: Node's default trust store.
   */
  readonly tls?: Pick<SecureClientSessionOptions, 'ca' | 'key' | 'cert' | 'secureContext'>;
}

/**
 * OTLP/gRPC unary calls over one `node:http2` session, in place of grpc-js.
 *
 * Why: with grpc-js the bench server's tail latency at one connection (AlwaysOn) was several
 * times this transport's, at the same throughput (A/B runs and figures: docs/performance.md).
 * grpc-js builds a stack of objects per call (resolving, retrying, load-balancing and subchannel
 * calls, filters, channelz, metadata), kilobytes of which outlived two scavenges on every call, so
 * the old generation kept growing and V8 ran frequent mark-compacts, each a stall of the loop
 * (`--trace-gc-nvp`: several times the bytes promoted per scavenge). A unary export needs none of
 * that machinery: one request
 * with the length-prefixed message, then the answer's `grpc-status` and `grpc-message`.
 *
 * What it keeps of grpc-js's behaviour: the `grpc-timeout` deadline (also enforced here), gzip
 * per message with `grpc-encoding`, metadata as headers, TLS with the OTLP certificate
 * variables, trailers-only answers, HTTP statuses from proxies mapped as gRPC specifies, a
 * reconnect on the next call after the connection fails or the server sends GOAWAY, and the
 * connection never keeping the process alive (nor a call in flight: see `_call`).
 */
export class GrpcTransport {
  private readonly _options: GrpcTransportOptions;
  private readonly _origin: string;
  private _session: ClientHttp2Session | undefined;
  /** Calls in flight per session. */
  private readonly _active = new WeakMap<ClientHttp2Session, number>();
  private _shutdown = false;
  /** Sessions whose connection (and TLS handshake) completed. */
  private readonly _connected = new WeakSet<ClientHttp2Session>();
  /** Sessions that received the server's SETTINGS: it speaks HTTP/2 (not a wrong port). */
  private readonly _spoke = new WeakSet<ClientHttp2Session>();

  constructor(options: GrpcTransportOptions) {
    this._options = options;
    const url = new URL(options.url);
    this._origin = `${url.protocol}//${url.host}`;
  }

  /**
   * One unary call with `message` (one buffer, or consecutive chunks of one: request.ts,
   * `traceRequestChunks`), framed here.
   */
  send(message: Uint8Array | readonly Uint8Array[], timeoutMillis: number): Promise<ExportResponse> {
    if (this._shutdown) {
      return Promise.resolve(failure(GRPC_STATUS.UNAVAILABLE, 'the exporter was shut down'));
    }
    const chunks = message instanceof Uint8Array ? [message] : message;
    if (this._options.compression !== 'gzip') return this._start(frame(chunks, false), timeoutMillis);
    const zlib = lazyRequire('node:zlib') as typeof import('node:zlib');
    return new Promise((resolve) => {
      // Asynchronous, on libuv's pool: a large batch never blocks the event loop while compressing.
      zlib.gzip(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), (error, compressed) => {
        if (error) resolve(failure(GRPC_STATUS.INTERNAL, `gzip failed: ${error.message}`, error));
        else resolve(this._start(frame([compressed], true), timeoutMillis));
      });
    });
  }

  shutdown(): void {
    this._shutdown = true;
    // close(), not destroy(): calls in flight finish first.
    this._session?.close();
    this._session = undefined;
  }

  /**
   * Starts the call; without a live connection, opens one in the next turn and starts the call in
   * the turn after. Why: the first connection and the first call each run Node's HTTP/2 code for
   * the first time (about 1–2 ms each on Node 20 here); in one turn with the request's build they
   * were the longest piece of the export path's work on the loop (docs/performance.md, 2026-12-03).
   */
  private _start(body: Buffer[], timeoutMillis: number): Promise<ExportResponse> {
    if (this._live()) return this._call(body, timeoutMillis);
    return new Promise((resolve) => {
      const stopped = () => {
        if (this._shutdown) resolve(failure(GRPC_STATUS.UNAVAILABLE, 'the exporter was shut down'));
        return this._shutdown;
      };
      setImmediate(() => {
        if (stopped()) return;
        try {
          timeWork('export connect', () => this._connect());
        } catch {
          // The call reports it.
        }
        setImmediate(() => {
          if (!stopped()) resolve(timeWork('export send', () => this._call(body, timeoutMillis)));
        });
      });
    });
  }

  private _live(): boolean {
    const current = this._session;
    return current !== undefined && !current.closed && !current.destroyed;
  }

  private _call(body: Buffer[], timeoutMillis: number): Promise<ExportResponse> {
    return new Promise((resolve) => {
      let session: ClientHttp2Session | undefined;
      let stream: ClientHttp2Stream;
      try {
        session = this._connect();
        stream = session.request(this._headers(timeoutMillis));
      } catch (error) {
        // E.g. ERR_HTTP2_OUT_OF_STREAMS after 2^30 calls on one connection: the next call opens a
        // new one; calls still in flight on this one finish first.
        if (session && this._session === session) {
          this._session = undefined;
          session.close();
        }
        resolve(failure(GRPC_STATUS.UNAVAILABLE, `could not start the call: ${errorMessage(error)}`, error));
        return;
      }
      // The session stays unref'ed with calls in flight: an export call never keeps the process
      // alive. A process that ends with one in flight runs the exit flush (beforeExit, bounded
      // by shutdownTimeoutMillis) or the exit path, which sends it again; ref'ed, a hung call held
      // the process open until its deadline (the export timeout, 10 s by default) before that
      // bounded flush could start, and after `shutdown()` had given up on it.
      this._active.set(session, (this._active.get(session) ?? 0) + 1);
      const call = new UnaryCall(
        stream,
        () => this._connected.has(session),
        () => this._spoke.has(session),
      );
      let stuck: NodeJS.Timeout | undefined;
      const timer = setTimeout(() => {
        const connected = this._connected.has(session);
        const secure = this._origin.startsWith('https:');
        call.expire(
          timeoutMillis,
          connected
            ? undefined
            : secure
              ? 'the TLS handshake did not complete'
              : 'the connection did not open',
          // A stuck proxy, or a port that speaks something else and waits for its client to.
          connected && !this._spoke.has(session),
        );
        // A stream still waiting for its connection (a TLS handshake the endpoint never answers)
        // ignores close(): the call never ended, and every later one queued behind it on the same
        // session, each holding its request. Destroying the session ends them all (the others as
        // UNAVAILABLE, retried on a new connection) and closes the stalled socket.
        if (!connected) this._drop(session);
        // A session that does not close even this stream is wedged (nghttp2 inside a header block
        // of 1 MiB, a grpc-message that long: the call never ended, and every later call went to
        // it): dropped, which ends its calls, the others as UNAVAILABLE, retried on a new one.
        else
          stuck = setTimeout(() => {
            if (!stream.destroyed) this._drop(session);
          }, WEDGED_MILLIS).unref();
      }, timeoutMillis);
      timer.unref();
      stream.on('close', () =>
        timeWork('export response', () => {
          clearTimeout(timer);
          clearTimeout(stuck);
          const left = (this._active.get(session) ?? 1) - 1;
          this._active.set(session, left);
          const result = call.result();
          // A hung connection is the likeliest cause of a missed deadline: the next call gets a new one.
          if (call.expired && left === 0) this._drop(session);
          // Cancelled by the peer (a closing connection, a proxy dropping a hung stream), or an
          // answer broken on the way: the retry (retryable, export-errors.ts) must not go on the
          // same connection. Calls still in flight on it finish first.
          else if ((call.cancelledByPeer || call.answerBroken) && this._session === session) {
            this._session = undefined;
            session.close();
          }
          resolve(result);
        }),
      );
      // Corked: the chunks go to the socket in one write.
      stream.cork();
      for (let i = 0; i < body.length - 1; i++) stream.write(body[i]);
      stream.end(body[body.length - 1]);
    });
  }

  private _headers(timeoutMillis: number): OutgoingHttpHeaders {
    const o = this._options;
    const headers: OutgoingHttpHeaders = {
      ...o.metadata,
      ':method': 'POST',
      ':path': o.path,
      'content-type': 'application/grpc',
      te: 'trailers',
      'user-agent': o.userAgent,
      'grpc-accept-encoding': 'identity,gzip',
      'grpc-timeout': grpcTimeout(timeoutMillis),
    };
    if (o.compression === 'gzip') headers['grpc-encoding'] = 'gzip';
    return headers;
  }

  private _connect(): ClientHttp2Session {
    if (this._live()) return this._session!;
    const http2 = lazyRequire('node:http2') as typeof import('node:http2');
    const session = http2.connect(this._origin, {
      ...this._options.tls,
      settings: { enablePush: false },
    });
    // Errors reach the calls in flight through their streams; the session must not throw them.
    session.on('error', () => {});
    session.once('connect', () => this._connected.add(session));
    session.once('remoteSettings', () => this._spoke.add(session));
    const forget = () => this._drop(session, false);
    session.once('goaway', forget);
    session.once('close', forget);
    session.unref();
    this._session = session;
    return session;
  }

  private _drop(session: ClientHttp2Session, destroy = true): void {
    if (this._session === session) this._session = undefined;
    if (destroy && !session.destroyed) session.destroy();
  }
}

/** One call's response as it arrives: status from the headers (trailers-only) or the trailers. */
class UnaryCall {
  expired = false;
  /** The server (or a proxy) reset the stream with CANCEL, with no answer. */
  cancelledByPeer = false;
  /** The answer did not arrive whole on a connection that spoke HTTP/2 (see `result`). */
  answerBroken = false;
  private _httpStatus = 0;
  private _status: number | undefined;
  private _message = '';
  /** `grpc-status-details-bin`, decoded only for a failed call. */
  private _statusDetails: unknown;
  private _encoding: string | undefined;
  private _chunks: Buffer[] = [];
  private _bytes = 0;
  private _tooLarge = false;
  private _error: Error | undefined;
  private _timeoutMillis = 0;
  private _unconnected: string | undefined;
  private _unspoken = false;

  constructor(
    private readonly _stream: ClientHttp2Stream,
    private readonly _connected: () => boolean,
    private readonly _spoke: () => boolean,
  ) {
    _stream.on('response', (headers) => {
      this._httpStatus = Number(headers[':status']);
      const encoding = headers['grpc-encoding'];
      if (typeof encoding === 'string') this._encoding = encoding;
      this._readStatus(headers);
    });
    _stream.on('data', (chunk: Buffer) => {
      if (this._tooLarge) return;
      this._bytes += chunk.length;
      if (this._bytes <= MAX_RESPONSE_BYTES) {
        this._chunks.push(chunk);
        return;
      }
      // A collector's answer is a few bytes; a longer one is not kept (nor read further).
      this._tooLarge = true;
      this._chunks = [];
      this._stream.close(0x8 /* CANCEL */);
    });
    _stream.on('trailers', (trailers) => this._readStatus(trailers));
    _stream.on('error', (error: Error) => {
      this._error ??= error;
    });
  }

  /**
   * The deadline passed; `unconnected`: why the connection had not been established by then;
   * `unspoken`: it was, and the server sent no SETTINGS frame on it.
   */
  expire(timeoutMillis: number, unconnected?: string, unspoken = false): void {
    this.expired = true;
    this._timeoutMillis = timeoutMillis;
    this._unconnected = unconnected;
    this._unspoken = unspoken;
    this._stream.close(0x8 /* CANCEL */);
  }

  result(): ExportResponse {
    // Nothing keeps this call's objects past its end (the session lives on for later calls).
    this._stream.removeAllListeners();
    // An error after 'close' should not happen, but unhandled it would crash the host.
    this._stream.on('error', ignore);
    if (this.expired) {
      const why =
        this._unconnected !== undefined
          ? `: no connection established (${this._unconnected})`
          : this._unspoken
            ? ': the connection opened, but the server never spoke HTTP/2 on it (no SETTINGS frame)'
            : '';
      return failure(
        GRPC_STATUS.DEADLINE_EXCEEDED,
        `Deadline exceeded after ${this._timeoutMillis} ms${why}`,
      );
    }
    if (this._tooLarge) {
      // Not retried (INTERNAL): the collector may well have taken the spans.
      return failure(
        GRPC_STATUS.INTERNAL,
        `the collector's answer exceeded ${MAX_RESPONSE_BYTES} bytes; it was not read (an OTLP export answer is a few bytes)`,
      );
    }
    if (this._status === GRPC_STATUS.OK) {
      try {
        const data = this._message0();
        return data === undefined ? { status: 'success' } : { status: 'success', data };
      } catch (error) {
        return failure(GRPC_STATUS.INTERNAL, `unreadable response: ${errorMessage(error)}`, error);
      }
    }
    if (this._status !== undefined) {
      const retryAfterMillis = grpcRetryDelay(this._statusDetails);
      return {
        status: 'failure',
        error: new GrpcStatusError(
          this._status,
          this._message || 'no message',
          retryAfterMillis === undefined ? { answered: true } : { retryAfterMillis, answered: true },
        ),
      };
    }
    if (this._error && this._spoke() && brokenAnswer(this._error, this._stream.rstCode)) {
      // A grpc-message of 1 MiB: a Node server cannot send that header block and resets the
      // stream (FRAME_SIZE_ERROR); Node's client refuses one a grpc-js server sends ("Protocol
      // error", Node 22 on). Named "collector unreachable", with advice about a port that speaks
      // no HTTP/2. Retried as UNAVAILABLE on a new connection: whether the collector took the
      // spans is unknown, as for a call past its deadline (grpc-js fails such a call as INTERNAL,
      // which the OTLP spec does not retry; its status was never read, so it may well be one that
      // asks for a retry).
      this.answerBroken = true;
      return {
        status: 'failure',
        error: new GrpcStatusError(
          GRPC_STATUS.UNAVAILABLE,
          `${this._error.message} (the connection spoke HTTP/2: an answer too large or malformed for Node's HTTP/2, such as a very long grpc-message?)`,
          { cause: this._error, answerBroken: true },
        ),
      };
    }
    if (this._error) {
      // grpc-js's wording, which the drop reporter and users already know.
      const prefix = this._connected() ? '' : 'No connection established. Last error: ';
      return failure(GRPC_STATUS.UNAVAILABLE, `${prefix}${this._error.message}`, this._error);
    }
    if (this._httpStatus !== 0 && this._httpStatus !== 200) {
      return failure(statusFromHttp(this._httpStatus), `Received HTTP status code ${this._httpStatus}`);
    }
    const rst = this._stream.rstCode;
    if (rst === 0x8 /* CANCEL */ && this._connected() && !this._spoke()) {
      // The server hung up on the HTTP/2 preface without a SETTINGS frame: no collector answered
      // ("rejecting exports (CANCELLED)" said one had). A TLS port reached with http://, or a port
      // of another protocol: UNAVAILABLE, with its hint (export-errors.ts, endpointHint).
      return failure(GRPC_STATUS.UNAVAILABLE, UNSPOKEN_CLOSE);
    }
    if (rst === 0x8 /* CANCEL */) {
      this.cancelledByPeer = true;
      return failure(
        GRPC_STATUS.CANCELLED,
        'the call was cancelled by the server or its closing connection (RST_STREAM CANCEL)',
      );
    }
    if (rst !== undefined && rst !== 0) {
      return failure(statusFromRstCode(rst), `Received RST_STREAM with code ${rst}`);
    }
    return failure(GRPC_STATUS.UNKNOWN, 'the server closed the call without a grpc-status');
  }

  private _readStatus(headers: IncomingHttpHeaders): void {
    const raw = headers['grpc-status'];
    if (raw === undefined) return;
    const status = Number(raw);
    this._status = Number.isInteger(status) && status >= 0 ? status : GRPC_STATUS.UNKNOWN;
    this._message = decodeGrpcMessage(headers['grpc-message']);
    this._statusDetails = headers['grpc-status-details-bin'];
  }

  /** The first length-prefixed message of the body (an ExportTraceServiceResponse). */
  private _message0(): Uint8Array | undefined {
    const body = this._chunks.length === 1 ? this._chunks[0]! : Buffer.concat(this._chunks);
    this._chunks = [];
    if (body.length < 5) return undefined;
    const length = body.readUInt32BE(1);
    const message = body.subarray(5, 5 + length);
    if (body[0] !== 1) return message;
    if (this._encoding !== 'gzip') throw new Error(`compressed message with grpc-encoding ${this._encoding}`);
    // Bounded as the body is: a small message that inflates to gigabytes fails here, quickly.
    return (lazyRequire('node:zlib') as typeof import('node:zlib')).gunzipSync(message, {
      maxOutputLength: MAX_RESPONSE_BYTES,
    });
  }
}

/**
 * gRPC's length-prefixed message: a compressed flag and a 32-bit big-endian length, then the
 * message's chunks as they are (not copied: a request can be megabytes).
 */
function frame(chunks: readonly Uint8Array[], compressed: boolean): Buffer[] {
  let length = 0;
  for (const chunk of chunks) length += chunk.length;
  const prefix = Buffer.allocUnsafe(5);
  prefix[0] = compressed ? 1 : 0;
  prefix.writeUInt32BE(length, 1);
  return [
    prefix,
    ...chunks.map((chunk) =>
      Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length),
    ),
  ];
}

/** `grpc-timeout`: at most 8 digits and a unit (m = milliseconds, S = seconds). */
function grpcTimeout(millis: number): string {
  const ms = Math.max(1, Math.ceil(millis));
  return ms < 1e8 ? `${ms}m` : `${Math.min(99_999_999, Math.ceil(ms / 1000))}S`;
}

function failure(code: number, details: string, cause?: unknown): ExportResponse {
  return {
    status: 'failure',
    error: new GrpcStatusError(code, details, cause === undefined ? undefined : { cause }),
  };
}

function ignore(): void {}

/**
 * An HTTP/2 failure of the answer itself: the session's protocol error, or the server's reset of
 * the stream with another code than REFUSED_STREAM (not processed: retried anyway) and CANCEL
 * (handled apart). Not a socket error (ECONNRESET): that is the connection's.
 */
function brokenAnswer(error: Error, rstCode: number | undefined): boolean {
  const code = (error as { code?: unknown }).code;
  if (code === 'ERR_HTTP2_ERROR') return true;
  return code === 'ERR_HTTP2_STREAM_ERROR' && rstCode !== 0x7 && rstCode !== 0x8;
}
