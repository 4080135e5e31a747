import { SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

/**
 * SimpleSpanProcessor that finishes its pending exports before shutting the exporter down.
 * Upstream's (sdk-trace-base 2.12) `shutdown()` shuts the exporter down at once, while an export
 * may still be waiting for the resource's async detector attributes — so a script that ends a
 * span and shuts down loses it ("WaterfallExporter is shut down"). Used for console/waterfall.
 */
export class FlushingSimpleSpanProcessor extends SimpleSpanProcessor {
  private shutdownPromise: Promise<void> | undefined;

  override shutdown(): Promise<void> {
    this.shutdownPromise ??= this.forceFlush()
      .catch(() => undefined)
      .then(() => super.shutdown());
    return this.shutdownPromise;
  }
}
