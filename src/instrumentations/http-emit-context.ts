import type { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Context } from '@opentelemetry/api';
import { activeContext, applyIn } from '../context/hot-context.js';
import { lazyRequire } from '../util/index.js';

/** Sees each event of a recorded request's `res` before its listeners do (./http-server-span.ts). */
export type ResponseWatch = (event: string | symbol, arg?: unknown) => void;

/**
 * Every event of `emitter` is delivered in `ctx`: `req`'s 'data'/'end' come from the socket (no
 * trace context: on Node 24 and later the context the channel subscriber entered ends with the
 * parser's callback), and listeners must see the request's. Upstream does this with
 * `context.bind(ctx, emitter)`, which replaces six listener methods on each `req` and `res` (seven
 * closures, six new own properties, so Node's http internals meet objects of another shape) and
 * wraps every listener added afterwards; on the bench's hello-world server that was a large share
 * of our CPU per request, sampled or not (docs/performance.md). One `emit` that enters `ctx` does
 * the same job: every listener runs in the request's context, `removeListener`/`listeners()` see
 * the listeners as added, and an emit already in `ctx` (most of `res`'s) pays one comparison.
 * `watch` (a recorded request's `res`) is shown each event first: 'close' and 'error' end its span.
 *
 * On Node 24 and later that `emit` lives on the prototypes (IncomingMessage's and ServerResponse's,
 * patched once), and each request only gets two symbol-keyed fields: the context and the response
 * watcher. An own `emit` per `req`/`res` (still the way on Node 20 and 22) made V8 on Node 24
 * promote nearly every recorded request while its span was open until 'close': long scavenges,
 * frequent mark-compacts and a p99 many times the usual at one connection (`--trace-gc`;
 * docs/performance.md). A pass-through own `emit` capturing nothing did the same; none did not.
 * Instances whose `emit` is not the patched one (a subclass that overrides it, a stand-in) still
 * get an own wrapper.
 */
export function runEmitsIn(
  emitter: IncomingMessage | ServerResponse,
  ctx: Context,
  watch: ResponseWatch | undefined,
): void {
  if (PROTOTYPE_EMIT) {
    patchPrototypes();
    if (patchedEmits.has(emitter.emit)) {
      const fields = emitter as unknown as EmitFields;
      fields[kContext] = ctx;
      fields[kWatch] = watch;
      return;
    }
  }
  const emit = emitter.emit;
  emitter.emit = function emitInContext(this: typeof emitter, ...args: Parameters<typeof emit>) {
    return deliver(this, emit as unknown as AnyEmit, ctx, watch, args);
  } as typeof emit;
}

/**
 * Node 24 and later only: on Node 20 the prototype `emit` made unsampled requests dearer (server
 * CPU per request at ratio 0.1, bench/ab.mjs; AlwaysOn equal; docs/performance.md), and Node 20
 * and 22 never had the promotion problem the own `emit` causes on 24.
 */
const PROTOTYPE_EMIT = Number(process.versions.node.split('.')[0]) >= 24;
const kContext = Symbol('acme.otel.http.context');
const kWatch = Symbol('acme.otel.http.watch');
interface EmitFields {
  [kContext]?: Context | undefined;
  [kWatch]?: ResponseWatch | undefined;
}
type AnyEmit = (this: unknown, ...args: unknown[]) => boolean;

/** The two patched `emit`s: an instance whose `emit` is one of them (own class or subclass) takes the fields. */
const patchedEmits = new Set<unknown>();

function patchPrototypes(): void {
  if (patchedEmits.size > 0) return;
  const http = lazyRequire('node:http') as typeof import('node:http');
  for (const proto of [http.IncomingMessage.prototype, http.ServerResponse.prototype]) {
    const emit = proto.emit as AnyEmit;
    const inContext = function emitInContext(this: EmitFields): boolean {
      const ctx = this[kContext];
      // Not a request the channel subscriber traced (a client response, an ignored request): as
      // before, and `arguments` straight to apply() (V8 builds no array for that, where a rest
      // parameter would cost every emit of every message in the process one).
      // biome-ignore lint/complexity/noArguments: see above
      if (ctx === undefined) return emit.apply(this, arguments as unknown as unknown[]);
      // biome-ignore lint/complexity/noArguments: see above
      return deliver(this, emit, ctx, this[kWatch], Array.prototype.slice.call(arguments));
    };
    (proto as { emit: unknown }).emit = inContext;
    patchedEmits.add(inContext);
  }
}

/**
 * Shows the watcher the event, then runs the listeners in `ctx`. An event nobody listens to (five
 * of the seven a plain request's `req` and `res` emit: 'readable', 'resume', 'prefinish' and both
 * 'close's) is emitted as it is: no listener runs, so no context is entered for it. 'error' always
 * goes through `ctx`, since with no listener `emit` throws it.
 */
function deliver(
  target: unknown,
  emit: AnyEmit,
  ctx: Context,
  watch: ResponseWatch | undefined,
  args: unknown[],
): boolean {
  const event = args[0] as string | symbol;
  if (watch !== undefined) {
    try {
      watch(event, args[1]);
    } catch {
      // Ending the span must never keep the event from the application's listeners.
    }
  }
  if ((event !== 'error' && (target as EventEmitter).listenerCount(event) === 0) || activeContext() === ctx) {
    return emit.apply(target, args);
  }
  return applyIn(ctx, emit, target, args);
}
