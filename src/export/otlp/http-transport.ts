import type { Agent, ClientRequest } from 'node:http';
import type { AgentOptions } from 'node:https';
import { lazyRequire } from '../../util/index.js';
import type { ExportResponse } from './grpc-transport.js';
import { readAnswer } from './http-answer.js';
import { unansweredCloses } from './unanswered-close.js';

export interface HttpTransportOptions {
  /** The full URL spans are posted to, e.g. `http://collector:4318/v1/traces`. */
  readonly url: string;
  /** Headers sent with every request (`OTEL_EXPORTER_OTLP_HEADERS`, already validated). */
  readonly headers: Readonly<Record<string, string>>;
  readonly compression: 'gzip' | 'none';
  readonly userAgent: string;
  /**
   * CA, client key and certificate for `https:` (PEM), and with a client key pair the TLS context
   * built from them once (every connection's); absent: Node's default trust store.
   */
  readonly tls?: Pick<AgentOptions, 'ca' | 'key' | 'cert' | 'secureContext'>;
}

/**
 * OTLP/HTTP (protobuf) requests over `node:http` / `node:https` with a keep-alive agent, in place
 * of upstream's transport inside its export delegate.
 *
 * Why: upstream's delegate wraps its transport in a retrying one that retries connection errors
 * and 429/502/503/504 itself (1 s, 1.5 s, 2.25 s … within the export timeout), and says nothing
 * of them. Our retrying exporter (retrying-exporter.ts), which counts every retry, keeps its
 * budget and names the cause, saw a single call that did not end: with the collector down,
 * `connect ECONNREFUSED` was reported as "not answering: an export call has had no answer for
 * 4.8 s", and at shutdown every pending span was lost to that false cause. Here each request
 * ends with its own answer or error, at once; the retries are the retrying exporter's, but for a
 * request that met the server closing its idle connection ({@link isIdleClose}). It also
 * keeps @opentelemetry/otlp-exporter-base and otlp-transformer (~160 modules) out of the process,
 * as the OTLP/gRPC path does.
 *
 * What it keeps of upstream's: POST with `Content-Type: application/x-protobuf`, the headers,
 * gzip (`Content-Encoding`), a `User-Agent` the http instrumentation recognises as the exporter's,
 * a keep-alive agent (no socket, idle or busy, keeps the process alive), TLS from the OTLP certificate
 * variables, a per-request timeout, and a bounded answer (64 KiB here; an OTLP answer is a few
 * bytes).
 */
export class HttpTransport {
  private readonly _url: URL;
  private readonly _https: boolean;
  private _agent: Agent | undefined;
  private _shutdown = false;
  /** Calls in flight: the agent is closed with the last one after shutdown. */
  private _inFlight = 0;

  constructor(private readonly _options: HttpTransportOptions) {
    this._url = new URL(_options.url);
    this._https = this._url.protocol === 'https:';
  }

  /** One POST of `message` (one buffer, or consecutive chunks of one: request.ts). */
  send(message: Uint8Array | readonly Uint8Array[], timeoutMillis: number): Promise<ExportResponse> {
    if (this._shutdown)
      return Promise.resolve({ status: 'failure', error: new Error('the exporter was shut down') });
    const chunks = message instanceof Uint8Array ? [message] : message;
    const body = chunks.length === 1 ? (chunks[0] as Uint8Array) : Buffer.concat(chunks);
    if (this._options.compression !== 'gzip') return this._post(body, false, timeoutMillis);
    const zlib = lazyRequire('node:zlib') as typeof import('node:zlib');
    return new Promise((resolve) => {
      // On libuv's pool: a large batch never blocks the event loop while compressing.
      zlib.gzip(body, (error, compressed) => {
        if (error)
          resolve({ status: 'failure', error: new Error(`gzip failed: ${error.message}`, { cause: error }) });
        else resolve(this._post(compressed, true, timeoutMillis));
      });
    });
  }

  /** Calls in flight finish first: the agent goes with the last of them. */
  shutdown(): void {
    this._shutdown = true;
    if (this._inFlight === 0) this._closeAgent();
  }

  private _closeAgent(): void {
    this._agent?.destroy();
    this._agent = undefined;
  }

  private _post(body: Uint8Array, gzipped: boolean, timeoutMillis: number): Promise<ExportResponse> {
    const http = lazyRequire(this._https ? 'node:https' : 'node:http') as typeof import('node:https');
    this._agent ??= new http.Agent({ keepAlive: true, timeout: IDLE_SOCKET_MILLIS, ...this._options.tls });
    const pooled = this._agent;
    const headers: Record<string, string> = {
      ...this._options.headers,
      'Content-Type': 'application/x-protobuf',
      'Content-Length': String(body.length),
      'User-Agent': this._options.userAgent,
    };
    if (gzipped) headers['Content-Encoding'] = 'gzip';
    return new Promise((resolve) => {
      let settled = false;
      let request: ClientRequest | undefined;
      const finish = (response: ExportResponse) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (--this._inFlight === 0 && this._shutdown) this._closeAgent();
        // The body is a view of the export queue's slabs, reused once this resolves: a request
        // still writing it (an answer before the whole body was read, a timeout) stops here.
        if (request !== undefined && !request.writableFinished) request.destroy();
        resolve(response);
      };
      const timer = setTimeout(() => {
        finish({ status: 'failure', error: new Error(`Request timed out after ${timeoutMillis} ms`) });
        request?.destroy(); // sent, and no answer: its socket is not reused either
      }, timeoutMillis);
      // Neither the timer nor the socket keeps the process alive: see unrefSocket.
      timer.unref();
      this._inFlight++;
      const attempt = (agent: Agent | false) => {
        let answered = false;
        let sent: ClientRequest;
        try {
          sent = http.request(
            this._url,
            // `agent: false`: a connection of its own, which needs the TLS options itself.
            { method: 'POST', headers, agent, ...(agent === false ? this._options.tls : undefined) },
            (res) => {
              answered = true;
              readAnswer(res, this._url, finish);
            },
          );
        } catch (error) {
          // A header value Node refuses, or a URL it cannot request: no request was made.
          finish({ status: 'failure', error: error instanceof Error ? error : new Error(String(error)) });
          return;
        }
        request = sent;
        unrefSocket(sent);
        // Over TLS a port that hangs up unanswered fails the handshake, with its own error.
        const named = this._https ? undefined : unansweredCloses(sent);
        sent.on('error', (error) => {
          if (agent !== false && !answered && !settled && sent.reusedSocket && isIdleClose(error))
            attempt(false);
          else finish({ status: 'failure', error: named ? named(error) : error });
        });
        sent.end(body);
      };
      attempt(pooled);
    });
  }
}

/**
 * An idle connection's socket is closed after this long unused, or 1 s before the server's
 * `Keep-Alive: timeout=N` when that is sooner (Node's agent reads the hint only when a `timeout`
 * is set: lib/_http_agent.js, keepSocketAlive). 4 s is undici's default (Node's fetch) for a
 * server that announces nothing: below the 5 s of Node's own servers. Active requests are not cut
 * by it (their own timer is the export timeout).
 */
const IDLE_SOCKET_MILLIS = 4_000;

/**
 * The socket `request` runs on (from the agent's pool, which refs it again for the request, or
 * new) keeps the process alive no more: an export call never does. A process that ends with one in
 * flight runs the exit flush (beforeExit, bounded by shutdownTimeoutMillis) or the exit path, which
 * sends it again; a hung call held the process open until its deadline (the export timeout) before
 * that bounded flush could start, and after `shutdown()` had given up on it.
 */
function unrefSocket(request: ClientRequest): void {
  if (request.socket) request.socket.unref();
  else request.once('socket', (socket) => socket.unref());
}

/**
 * How a request fails on a kept-alive socket the server closed as idle while the request was on
 * its way (Node's docs, `request.reusedSocket`): normal HTTP life, not a collector in trouble.
 * Such a request is sent once more at once on a new connection, uncounted; a reset there is real.
 */
function isIdleClose(error: Error): boolean {
  const code = (error as { code?: unknown }).code;
  return code === 'ECONNRESET' || code === 'EPIPE' || code === 'ECONNABORTED';
}
