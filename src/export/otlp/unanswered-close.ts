import type { ClientRequest } from 'node:http';
import type { Socket } from 'node:net';

/** What the error of an `http:` request whose connection closed before the server sent a byte says. */
export const UNANSWERED_CLOSE = 'the connection closed before any HTTP answer';

/**
 * A plaintext OTLP/HTTP request whose connection was reset or closed before any byte of an answer
 * came: a TLS port reached with `http://` does that (Node's TLS server hangs up on a request that
 * is not a TLS hello), as does a collector that crashed. Node reports both as `ECONNRESET`
 * (`socket hang up`, `read ECONNRESET`), which was all the loss line said.
 * `code` is the original's, so it is classified and retried as before; export-errors.ts
 * (endpointHint) reads `closedUnanswered` and names the `https://` possibility.
 */
export class UnansweredCloseError extends Error {
  override name = 'UnansweredCloseError';
  readonly closedUnanswered = true;
  constructor(
    readonly code: string,
    cause: Error,
  ) {
    super(`${cause.message}: ${UNANSWERED_CLOSE}`, { cause });
  }
}

/**
 * For an `http:` request: what its error becomes, an {@link UnansweredCloseError} when its own
 * connection (not a kept-alive one, which answered before) was reset or closed with no byte
 * received since the request got it; a reset in the middle of an answer (a status line, part of
 * the headers) keeps its error as it is.
 */
export function unansweredCloses(request: ClientRequest): (error: Error) => Error {
  let socket: Socket | undefined;
  let before = 0;
  const watch = (s: Socket) => {
    socket = s;
    before = s.bytesRead;
  };
  if (request.socket) watch(request.socket);
  else request.once('socket', watch);
  return (error) => {
    const code = (error as { code?: unknown }).code;
    if (code !== 'ECONNRESET' && code !== 'EPIPE') return error;
    if (socket === undefined || request.reusedSocket || socket.bytesRead !== before) return error;
    return new UnansweredCloseError(code, error);
  };
}
