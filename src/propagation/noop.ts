import type { Context, TextMapPropagator } from '@opentelemetry/api';

/** `none`: propagates nothing, extracts nothing. */
export class NoopPropagator implements TextMapPropagator {
  inject(): void {}

  extract(context: Context): Context {
    return context;
  }

  fields(): string[] {
    return [];
  }
}
