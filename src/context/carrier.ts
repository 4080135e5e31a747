import type { Context, Span } from '@opentelemetry/api';
import { context, propagation, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { log } from '../diag/index.js';
import { errorMessage } from '../errors.js';
import { quoted } from '../util/quote.js';
import type { Carrier, GrpcMetadata, HeaderList, KeyedCollection } from './carrier-getter.js';
import {
  carrierGetter,
  collectionSetter,
  headerListSetter,
  isGrpcMetadata,
  isKeyedCollection,
} from './carrier-getter.js';
import type { WithSpanOptions } from './with-span.js';
import { describeThrown, withSpan } from './with-span.js';

export type { Carrier, GrpcMetadata, HeaderList, KeyedCollection } from './carrier-getter.js';

/**
 * Write the context (the current one by default) into a carrier with the global propagator
 * (W3C `traceparent`/`tracestate`/`baggage` unless configured otherwise). Returns the carrier;
 * a new object when none (or null) is given. Never throws: a carrier that cannot be written is
 * returned without the headers, said once. Given node-rdkafka's header list, each header is appended as
 * `{ [name]: value }`, replacing an older entry of that name; given a Fetch `Headers`, a Map or a
 * gRPC `Metadata`, its `set` is called.
 *
 * @example
 * import { injectContext, withSpan } from '@acme/otel';
 *
 * const job = withSpan('orders publish', () => ({
 *   payload: { orderId: 'o-1' },
 *   headers: injectContext({ 'x-tenant': 'acme' }), // { 'x-tenant': 'acme', traceparent: '00-…-01' }
 * }));
 * // e.g. channel.sendToQueue('orders', Buffer.from(JSON.stringify(job.payload)), { headers: job.headers })
 */
export function injectContext<
  C extends Carrier | HeaderList | KeyedCollection | GrpcMetadata = Record<string, string>,
>(
  carrier: C = {} as C,
  ctx: Context = context.active(),
): C extends HeaderList | KeyedCollection | GrpcMetadata ? C : C & Record<string, string> {
  // `msg.headers` of a message that has none is often null, not undefined: a new object too.
  const target = carrier ?? ({} as C);
  try {
    if (typeof target !== 'object') throw new TypeError(`${typeof target} is not a carrier object`);
    if (Array.isArray(target)) propagation.inject(ctx, target, headerListSetter);
    else if (isKeyedCollection(target) || isGrpcMetadata(target))
      propagation.inject(ctx, target, collectionSetter);
    else propagation.inject(ctx, target);
  } catch (error) {
    // A frozen or read-only carrier, a Proxy that refuses writes: tracing never throws into the
    // caller's code. The message goes out without trace headers, and that is said once.
    const why = describeThrown(error);
    log.warnOnce(
      `context/inject/${why}`,
      `injectContext: the trace headers could not be written into the carrier (${why}); it is returned without them`,
      'injectContext carriers that refuse writes',
    );
  }
  return target as C extends HeaderList | KeyedCollection | GrpcMetadata ? C : C & Record<string, string>;
}

/**
 * Read a context from a carrier with the global propagator. The result carries the remote span
 * (as parent for new spans) and any baggage. Extraction starts from an empty context, not the
 * current one: a message with no trace headers must not become a child of whatever span
 * happened to be active in the consumer loop. Pass `base` to extract on top of another context.
 * node-rdkafka's header list (`[{ traceparent: <Buffer> }, …]`), a Fetch `Headers`, a Map and a
 * gRPC `Metadata` are read by their entries.
 *
 * @example
 * import { context, trace } from '@opentelemetry/api';
 * import { extractContext } from '@acme/otel';
 *
 * const headers = { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' };
 * const parent = extractContext(headers);
 * trace.getSpanContext(parent)?.traceId; // '4bf92f3577b34da6a3ce929d0e0e4736'
 * context.with(parent, () => { // spans started here join that trace
 * });
 */
export function extractContext(
  carrier: Carrier | HeaderList | KeyedCollection | GrpcMetadata | null | undefined,
  base: Context = ROOT_CONTEXT,
): Context {
  if (carrier === null || carrier === undefined || typeof carrier !== 'object') return base;
  return propagation.extract(base, carrier, carrierGetter());
}

/** Options for {@link withExtractedContext}. */
export interface ExtractedSpanOptions extends Omit<WithSpanOptions, 'parent'> {
  /**
   * `'parent'`: the remote span is the parent (one trace from producer to consumer).
   * `'link'`: a new trace whose span links to the remote span (batch consumers, replays).
   * @default 'parent'
   */
  relation?: 'parent' | 'link';
}

/**
 * The queue-consumer pattern: extract the context from a message's carrier, start a span
 * (kind CONSUMER by default) whose parent is the producer's span, run `fn` in it. Baggage from
 * the carrier is visible inside. Errors are recorded and rethrown, like {@link withSpan}.
 *
 * @example
 * import amqp from 'amqplib';
 * import { withExtractedContext } from '@acme/otel';
 *
 * const channel = await (await amqp.connect('amqp://127.0.0.1')).createChannel();
 * await channel.consume('orders', (msg) => {
 *   if (!msg) return;
 *   void withExtractedContext(msg.properties.headers ?? {}, 'orders process', async (span) => {
 *     span.setAttribute('messaging.message.id', String(msg.properties.messageId));
 *     channel.ack(msg);
 *   }, { attributes: { 'messaging.system': 'rabbitmq' } });
 * });
 */
export function withExtractedContext<T>(
  carrier: Carrier | HeaderList | KeyedCollection | GrpcMetadata | null | undefined,
  name: string,
  fn: (span: Span) => T,
  options: ExtractedSpanOptions = {},
): T {
  const extracted = extractContext(carrier);
  let merged: WithSpanOptions;
  try {
    merged = extractedSpanOptions(extracted, options);
  } catch (error) {
    // Options that cannot be read (a Proxy, a throwing getter) threw here before the work ran:
    // the span is started without them, as withSpan does (startWithout).
    log.warnOnce(
      'withExtractedContext.options',
      `withExtractedContext(${quoted(String(name))}): its options could not be read (${errorMessage(error)}), so its span was started without them. This message once per process.`,
    );
    merged = { kind: SpanKind.CONSUMER, parent: extracted };
  }
  return withSpan(name, fn, merged);
}

function extractedSpanOptions(extracted: Context, options: ExtractedSpanOptions): WithSpanOptions {
  const { relation, ...spanOptions } = options;
  const merged: WithSpanOptions = { kind: SpanKind.CONSUMER, ...spanOptions, parent: extracted };
  if (relation === 'link') {
    const remote = trace.getSpanContext(extracted);
    merged.parent = trace.deleteSpan(extracted);
    merged.root = true;
    // Links that are no list are left out; the producer's is kept.
    if (remote)
      merged.links = Array.isArray(spanOptions.links)
        ? [...spanOptions.links, { context: remote }]
        : [{ context: remote }];
  }
  return merged;
}
