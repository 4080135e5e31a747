import type { Attributes, Context, Link, SpanKind } from '@opentelemetry/api';
import {
  AlwaysOnSampler,
  ParentBasedSampler,
  type Sampler,
  SamplingDecision,
  type SamplingResult,
} from '@opentelemetry/sdk-trace-base';
import { log } from '../diag/index.js';
import { errorMessage } from '../errors.js';
import { cut } from '../util/quote.js';
import { onRejection } from '../util/rejection.js';

/**
 * A Sampler given in code, guarded. One that threw, or returned something that is not a
 * SamplingResult (`null`, a Promise, `{ decision: 'yes' }`), threw out of every span start into
 * the app: an outgoing `http.get` in a request handler crashed the process (upstream's
 * instrumentation starts the client span inside the call), `tracer.startSpan` threw. Such a call
 * now decides as the default sampler, `parentbased_always_on`, would (the caller's decision for a
 * child, sampled for a root), and one warning says so, once per way of failing. A result that
 * cannot be read, or the rejection of an `async shouldSample`, no longer throws or crashes either.
 */
export class GuardedSampler implements Sampler {
  private readonly _fallback = new ParentBasedSampler({ root: new AlwaysOnSampler() });

  constructor(private readonly _sampler: Sampler) {}

  shouldSample(
    context: Context,
    traceId: string,
    spanName: string,
    spanKind: SpanKind,
    attributes: Attributes,
    links: Link[],
  ): SamplingResult {
    let result: unknown;
    try {
      result = this._sampler.shouldSample(context, traceId, spanName, spanKind, attributes, links);
    } catch (error) {
      say('threw', `threw (${cut(errorMessage(error))})`);
      return this._fallback.shouldSample(context, traceId, spanName, spanKind, attributes, links);
    }
    const wrong = whatIsWrong(result);
    if (wrong === undefined) return result as SamplingResult;
    say('returned', `returned ${wrong}, not a SamplingResult ({ decision: SamplingDecision.… })`);
    return this._fallback.shouldSample(context, traceId, spanName, spanKind, attributes, links);
  }

  toString(): string {
    try {
      return String(this._sampler.toString());
    } catch {
      return 'a sampler given in code';
    }
  }
}

function say(key: string, what: string): void {
  log.warnOnce(
    `sampler/${key}`,
    `the sampler given in code ${what}; that span, and every other its sampler fails on, was sampled as parentbased_always_on samples (this message once)`,
  );
}

const DECISIONS: ReadonlySet<unknown> = new Set([
  SamplingDecision.NOT_RECORD,
  SamplingDecision.RECORD,
  SamplingDecision.RECORD_AND_SAMPLED,
]);

function isSamplingResult(result: unknown): result is SamplingResult {
  if (typeof result !== 'object' || result === null) return false;
  const { decision, attributes, traceState } = result as Partial<Record<keyof SamplingResult, unknown>>;
  return (
    DECISIONS.has(decision) &&
    (attributes === undefined || (typeof attributes === 'object' && attributes !== null)) &&
    (traceState === undefined ||
      (typeof traceState === 'object' &&
        traceState !== null &&
        typeof (traceState as { serialize?: unknown }).serialize === 'function'))
  );
}

/**
 * What is wrong with a sampler's result, or `undefined` for a SamplingResult. Reading it can throw
 * (a Proxy, a getter), which threw out of the span start as the sampler's own throw did; an
 * `async shouldSample` that throws returns a rejected Promise, which went unhandled and ended the
 * process: it is handled here, the line already says a Promise came back.
 */
function whatIsWrong(value: unknown): string | undefined {
  try {
    if (isSamplingResult(value)) return undefined;
  } catch {
    return 'an object that could not be read';
  }
  if (value === null) return 'null';
  if (onRejection(value, () => undefined)) return 'a Promise';
  if (typeof value === 'object') return `an object without a valid decision`;
  return typeof value === 'undefined' ? 'undefined' : `a ${typeof value}`;
}
