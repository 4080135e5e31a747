import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { log } from '../diag/index.js';
import { errorMessage } from '../errors.js';
import { onRejection } from '../util/rejection.js';

/** SDK 2.x's experimental hook, called as a span ends, before `onEnd`. */
type WithOnEnding = SpanProcessor & { onEnding?(span: Span): void };

/**
 * One of the user's `spanProcessors`, its throws contained. The SDK calls processors one after
 * another with no guard, so one that threw in `onStart` threw into the application's `startSpan`
 * (for an HTTP request, inside node:http's callbacks: the process crashed), and one that threw in
 * `onEnd` kept the span from every processor after it, the export among them, with nothing said.
 * Now the span goes on, and each method's first failure is named once. So is the rejection of an
 * `async` method: the SDK drops what `onEnd` returns, so it went unhandled and, on Node's default
 * `--unhandled-rejections=throw`, ended the process at the first span.
 */
export function guardProcessor(processor: SpanProcessor, index: number): SpanProcessor {
  const failed = (method: string, error: unknown) =>
    log.warnOnce(
      `span-processor:${index}:${method}`,
      `spanProcessors[${index}] threw in ${method} (${errorMessage(error)}); ${method === 'forceFlush' || method === 'shutdown' ? 'the export of every span goes on' : 'the span goes on to export'} as if it had not (this message once per method)`,
    );
  const settled = (method: string, result: unknown) => onRejection(result, (error) => failed(method, error));
  const guarded: WithOnEnding = {
    onStart(span: Span, parentContext: Context): void {
      try {
        settled('onStart', processor.onStart(span, parentContext));
      } catch (error) {
        failed('onStart', error);
      }
    },
    onEnd(span: ReadableSpan): void {
      try {
        settled('onEnd', processor.onEnd(span));
      } catch (error) {
        failed('onEnd', error);
      }
    },
    forceFlush: () =>
      settle(
        () => processor.forceFlush(),
        (error) => failed('forceFlush', error),
      ),
    shutdown: () =>
      settle(
        () => processor.shutdown(),
        (error) => failed('shutdown', error),
      ),
  };
  const onEnding = (processor as WithOnEnding).onEnding;
  if (typeof onEnding === 'function') {
    guarded.onEnding = (span: Span): void => {
      try {
        settled('onEnding', onEnding.call(processor, span));
      } catch (error) {
        failed('onEnding', error);
      }
    };
  }
  return guarded;
}

/**
 * A promise that resolves whatever `fn` does, its failure named. The SDK shuts its processors down
 * with `Promise.all`, which settles at the first rejection: a user processor whose `shutdown`
 * rejected (or threw) let the provider's shutdown settle while our batch processor was still
 * exporting, and a SIGTERM exited with those spans unsent. (`forceFlush` waited for every
 * processor, then rejected, naming none.) One that hangs is bounded by the callers' time boxes.
 */
function settle(fn: () => Promise<void>, failed: (error: unknown) => void): Promise<void> {
  try {
    return Promise.resolve(fn()).then(undefined, failed);
  } catch (error) {
    failed(error);
    return Promise.resolve();
  }
}
