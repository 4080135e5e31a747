import { subscribe, unsubscribe } from 'node:diagnostics_channel';

const LISTEN = 'tracing:net.server.listen:asyncStart';

/**
 * Calls `run` once, when the application first calls `listen()` on a server of this thread (the
 * channel is published inside `listen()`, before the port is bound, so no connection can be
 * waiting yet: Node 20.16+, 22.3+). Work done there is start-up work, before the first request,
 * which is where work belongs that no idle turn can split and no request should wait for: the
 * exporter's module loads (node:http2 4.9 ms on Node 20, node:crypto up to 10 ms on Node 26;
 * ../export/preload.ts) and the first run of the request path (../instrumentations/http-server-warm-up.ts;
 * issue #20). Each subscriber is called once. Returns the unsubscribe.
 */
export function onFirstListen(run: () => void): () => void {
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    unsubscribe(LISTEN, once);
    try {
      run();
    } catch {
      // Never into the application's listen(): what failed here is done (and reported) again later.
    }
  };
  subscribe(LISTEN, once);
  return () => {
    if (!done) unsubscribe(LISTEN, once);
    done = true;
  };
}
